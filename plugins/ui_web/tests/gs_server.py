"""The real `gridscope run` with ui_web on a free 127.0.0.1 port, for the Python tests of ui_web
(api_test.py, hardening_test.py, history_test.py, http_fuzz.py, ...), the hub's test and the
benchmarks bench/http/pressure.py and bench/hub. The site file is a copy of
tests/browser/site/site.yaml (or of the site given) with its profile folder made absolute and
`ui_web` settings added; its folder and data folder are private and removed by stop().
Start, readiness, HTTP and stop are tests/support/gs_test.py's WebSite (every wait bounded).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
from gs_test import WebSite  # noqa: E402


def site_copy(site, folder, ui_web=None, plugins=None):
    """tests/browser/site/site.yaml into `folder`, with extra ui_web keys (a dict of YAML text)
    and extra plugin sections (a dict of plugin id to inline YAML, {"storage_rocksdb": "{}"})."""
    text = open(site).read()
    here = os.path.dirname(os.path.abspath(site))
    text = text.replace("profiles: [profiles]", f"profiles: [{os.path.join(here, 'profiles')}]")
    for key, value in (ui_web or {}).items():
        text = re.sub(r"(\n  ui_web:\n)", rf"\1    {key}: {value}\n", text, count=1)
    for plugin, value in (plugins or {}).items():  # `plugins:` is the file's last section
        text = text.rstrip("\n") + f"\n  {plugin}: {value}\n"
    path = os.path.join(folder, "site.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class Server(WebSite):
    def __init__(self, gridscope, site, ui_web=None, env=None, plugins=None):
        self.gridscope = gridscope
        self.dir = tempfile.mkdtemp(prefix="gs-ui-test-")
        self.site = site_copy(site, self.dir, ui_web, plugins)
        self.data_dir = os.path.join(self.dir, "data")
        try:
            super().__init__(gridscope, self.site, self.data_dir, env=env)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def passwd(self, profile, password):
        """`gridscope passwd`; returns (exit code, stderr)."""
        r = subprocess.run([self.gridscope, "passwd", "--config", self.site, "--data-dir", self.data_dir,
                            "--profile", profile], input=f"{password}\n{password}\n", text=True,
                           capture_output=True, timeout=60)
        return r.returncode, r.stderr

    def stop(self):
        code = super().stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code

"""The Debian package (issue 17 item 6): `cpack -G DEB` with the build's CPack configuration,
then the package is unpacked into a scratch root (`dpkg-deb -x`, no root needed) and checked:
its name, control fields and dependencies, the maintainer scripts (system user, data folder),
the conffile, the hardened unit, the files (binaries, plugins, profiles, webroot with uPlot),
and that the installed binary, run from the scratch root, finds its plugins, profiles and
webroot from the installed paths (it serves the web UI of the packaged demo site).
Exit 77 (skipped) when cpack or dpkg-deb is missing.
Usage: deb_test.py --build DIR --source DIR --version X.Y.Z
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

# The checks, process and HTTP helpers of the Python tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "support"))
from gs_test import Gridscope, check, finish, free_port, http_request, login, stop_process, wait_until  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 600), **kw)


def serve_demo(root, folder):
    """The packaged binary on the packaged demo site (its Modbus devices are absent: only the web
    UI matters here), on a free port; returns the answers to a few static paths."""
    site = os.path.join(folder, "site.yaml")
    text = open(os.path.join(root, "etc/gridscope/site.yaml")).read()
    with open(site, "w") as f:
        f.write(text)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDSCOPE_")}
    proc = Gridscope(os.path.join(root, "usr/bin/gridscope"), site, os.path.join(folder, "data"), http_port=port,
                     log=os.path.join(folder, "run.log"), env=env)
    answers = {}

    def fetch():
        if proc.poll() is not None:  # it ended: nothing to wait for
            return True
        for path in ["/", "/node_modules/uplot/dist/uPlot.esm.js", "/api/v1/health"]:
            status, _, r = http_request(port, "GET", path, timeout=5)
            answers[path] = (status, r.raw_body)
        return True
    try:
        wait_until(fetch, 60, 0.2, errors=(OSError,))
    finally:
        proc.stop(30)
    if not answers:
        print(proc.text()[-3000:])
    return answers


def rw_paths(settings):
    """The unit's ReadWritePaths, one path each (a line may name several)."""
    return [p for value in settings.get("ReadWritePaths", []) for p in value.split()]


def save_in_sandbox(root, folder, writable):
    """The installed binary on the installed site (/etc/gridscope/site.yaml, data in
    /var/lib/gridscope of the scratch root), with the unit's file system rules emulated in a
    private mount namespace (`unshare -rm`, no root needed): ProtectSystem=strict makes the whole
    root read-only, then each of `writable` (ReadWritePaths) is writable again. An Admin saves
    the site through PUT /api/v1/config as the Configuration pages do; returns (status of the
    save, the site file's text after it, its text before) or None when the sandbox cannot be
    made here."""
    site = os.path.join(root, "etc/gridscope/site.yaml")
    data = os.path.join(root, "var/lib/gridscope")
    gridscope = os.path.join(root, "usr/bin/gridscope")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDSCOPE_")}
    if run(["unshare", "-rm", "true"]).returncode != 0:
        return None
    p = run([gridscope, "passwd", "--config", site, "--data-dir", data, "--profile", "admin"],
            input="packaged admin 1\npackaged admin 1\n", env=env, timeout=120)
    check(p.returncode == 0, "gridscope passwd in the scratch root: " + p.stderr[-300:])
    before = open(site).read()
    port = free_port()
    mounts = [f'mount --bind "{root}" "{root}"', f'mount -o remount,bind,ro "{root}"']
    for path in writable:
        inside = os.path.join(root, path.lstrip("/"))
        mounts += [f'mount --bind "{inside}" "{inside}"', f'mount -o remount,bind,rw "{inside}"']
    script = "set -e; " + "; ".join(mounts) + f'; exec "{gridscope}" run --config "{site}" --data-dir "{data}" ' \
        f"--http-port {port}"
    log = open(os.path.join(folder, "sandbox.log"), "ab")
    proc = subprocess.Popen(["unshare", "-rm", "sh", "-c", script], stdout=log, stderr=subprocess.STDOUT, env=env)
    status = 0
    try:
        def call(method, path, body=None, cookie=None, csrf=None):
            status, answer, _ = http_request(port, method, "/api/v1" + path, body, cookie=cookie, csrf=csrf,
                                             timeout=30)
            return status, answer if isinstance(answer, dict) else None

        wait_until(lambda: proc.poll() is not None or call("GET", "/health"), 60, 0.2, errors=(OSError,))
        cookie, csrf = login(port, "admin", "packaged admin 1")
        _, doc = call("GET", "/config", cookie=cookie)
        doc["site"]["site"]["name"] = "Saved under the unit's rules"
        status, answer = call("PUT", "/config", {"version": doc["version"], "site": doc["site"]}, cookie, csrf)
        print("PUT /config with ReadWritePaths", writable, "->", status, answer)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
        print("the sandboxed server failed:", e)
    finally:
        stop_process(proc, timeout=30)
        log.close()
    if not status:
        print(open(os.path.join(folder, "sandbox.log"), errors="replace").read()[-3000:])
    after = open(site).read()
    return status, after, before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--version", required=True)
    args = ap.parse_args()
    if not shutil.which("cpack") or not shutil.which("dpkg-deb") or not shutil.which("dpkg"):
        print("skipped: cpack, dpkg or dpkg-deb is missing")
        return 77
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    folder = tempfile.mkdtemp(prefix="gs-deb-test-")
    try:
        r = run(["cpack", "-G", "DEB", "-B", os.path.join(folder, "out"), "--config",
                 os.path.join(args.build, "CPackConfig.cmake")], timeout=900)
        if r.returncode != 0:
            print(r.stdout[-4000:], r.stderr[-4000:])
        check(r.returncode == 0, "cpack -G DEB succeeds")
        name = f"gridscope_{args.version}_{arch}.deb"
        deb = os.path.join(folder, "out", name)
        check(os.path.isfile(deb), f"the package is {name}: " + str(os.listdir(os.path.join(folder, "out"))))
        if not os.path.isfile(deb):
            return finish("deb_test")

        fields = {}
        for line in run(["dpkg-deb", "-f", deb]).stdout.splitlines():
            if ":" in line and not line.startswith(" "):
                k, v = line.split(":", 1)
                fields[k.strip()] = v.strip()
        check(fields.get("Package") == "gridscope", "Package: gridscope")
        check(fields.get("Version") == args.version, "Version: " + fields.get("Version", ""))
        check(fields.get("Architecture") == arch, "Architecture: " + fields.get("Architecture", ""))
        depends = fields.get("Depends", "")
        for lib in ["adduser", "libc6", "libstdc++6", "libsodium", "libcivetweb", "librocksdb", "libyaml-cpp",
                    "libboost-filesystem"]:
            check(lib in depends, f"Depends names {lib}")
        print("Depends:", depends)

        control = os.path.join(folder, "control")
        run(["dpkg-deb", "-e", deb, control])
        check(open(os.path.join(control, "conffiles")).read().split() == ["/etc/gridscope/site.yaml"],
              "conffiles: /etc/gridscope/site.yaml")
        for script in ["postinst", "prerm", "postrm"]:
            path = os.path.join(control, script)
            check(os.path.isfile(path) and os.stat(path).st_mode & stat.S_IXUSR, f"{script} is executable")
            check(run(["sh", "-n", path]).returncode == 0, f"{script} is valid sh")
        postinst = open(os.path.join(control, "postinst")).read()
        check(re.search(r"adduser --system --group .*gridscope", postinst, re.S) is not None,
              "postinst adds the gridscope system user")
        check("chown gridscope:gridscope /var/lib/gridscope" in postinst, "postinst gives it /var/lib/gridscope")
        check("deb-systemd-helper" in postinst and "enable gridscope.service" in postinst,
              "postinst enables the service")

        root = os.path.join(folder, "root")
        check(run(["dpkg-deb", "-x", deb, root]).returncode == 0, "dpkg-deb -x into a scratch root")
        listing = run(["dpkg-deb", "-c", deb]).stdout
        for path in ["usr/bin/gridscope", "usr/bin/gridscope-sim", "usr/lib/gridscope/ui_web.so",
                     "usr/lib/gridscope/storage_rocksdb.so", "usr/lib/gridscope/driver_modbus.so",
                     "usr/lib/gridscope/driver_socomec_diris.so", "usr/lib/gridscope/exporter_files.so",
                     "usr/lib/gridscope/example_virtual_meter.so",
                     "usr/share/gridscope/profiles/socomec/diris-a40.yaml",
                     "usr/share/gridscope/webroot/index.html",
                     "usr/share/gridscope/webroot/node_modules/uplot/dist/uPlot.esm.js",
                     "usr/share/gridscope/webroot/node_modules/uplot/dist/uPlot.min.css",
                     "usr/share/gridscope/webroot/node_modules/uplot/LICENSE",
                     "etc/gridscope/site.yaml", "lib/systemd/system/gridscope.service",
                     "lib/systemd/system/gridscope-sim.service", "usr/share/doc/gridscope/README.md"]:
            check(os.path.isfile(os.path.join(root, path)), "has /" + path)
        check(os.path.isdir(os.path.join(root, "var/lib/gridscope")), "has /var/lib/gridscope")
        check(os.access(os.path.join(root, "usr/bin/gridscope"), os.X_OK), "gridscope is executable")
        check(not os.path.exists(os.path.join(root, "usr/share/gridscope/webroot/package.json"))
              and not os.path.exists(os.path.join(root, "usr/share/gridscope/webroot/node_modules/uplot/package.json")),
              "no npm metadata in the webroot")
        check("fixture" not in listing and "test_" not in listing, "no test fixtures nor test programs")
        check(open(os.path.join(root, "etc/gridscope/site.yaml")).read() ==
              open(os.path.join(args.source, "examples/demo/site.yaml")).read(), "site.yaml is the demo site")

        unit = open(os.path.join(root, "lib/systemd/system/gridscope.service")).read()
        settings = {}
        for line in unit.splitlines():
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                settings.setdefault(k, []).append(v)
        for key, want in [("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"),
                          ("ReadWritePaths", "/var/lib/gridscope"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                          ("User", "gridscope"), ("Group", "gridscope"), ("ProtectKernelTunables", "yes"),
                          ("ProtectControlGroups", "yes"), ("RestrictSUIDSGID", "yes"), ("WantedBy", "multi-user.target")]:
            check(want in settings.get(key, []), f"unit: {key}={want}")
        check("/etc/gridscope" in rw_paths(settings), "unit: ReadWritePaths has /etc/gridscope (browser saves)")
        check(re.search(r"chown gridscope:gridscope /etc/gridscope\n", postinst) is not None,
              "postinst gives the service the site's folder")
        check("chown root:gridscope /etc/gridscope/site.yaml" in postinst, "... and keeps the site file private")
        check(settings.get("ExecStart") == ["/usr/bin/gridscope run --config /etc/gridscope/site.yaml "
                                            "--data-dir /var/lib/gridscope"], "unit: ExecStart runs the site")
        check(settings.get("ExecReload") == ["/bin/kill -HUP $MAINPID"], "unit: reload is SIGHUP")
        if shutil.which("systemd-analyze"):
            # The unit's own syntax (the binary is not at /usr/bin here: that one message is expected).
            v = run(["systemd-analyze", "verify", os.path.join(root, "lib/systemd/system/gridscope.service")])
            other = [l for l in (v.stdout + v.stderr).splitlines() if "is not executable" not in l and l.strip()]
            check(not other, "systemd-analyze verify: " + "; ".join(other))

        # The installed layout works: the binary finds its plugins (../lib/gridscope) and its
        # profiles and webroot (../share/gridscope) from where the package put them.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDSCOPE_")}
        p = run([os.path.join(root, "usr/bin/gridscope"), "plugins", "--format", "json"], env=env, timeout=120)
        found = []
        try:
            doc = json.loads(p.stdout)
            items = doc if isinstance(doc, list) else doc.get("plugins", [])
            found = [i.get("id") for i in items
                     if i.get("path", "").startswith(os.path.join(root, "usr/lib/gridscope/"))]
        except ValueError:
            print(p.stdout[-2000:], p.stderr[-2000:])
        check({"ui_web", "storage_rocksdb", "driver_modbus"} <= set(found),
              "the installed gridscope finds its plugins: " + ",".join(map(str, found)))
        c = run([os.path.join(root, "usr/bin/gridscope"), "check", "--config",
                 os.path.join(root, "etc/gridscope/site.yaml")], env=env, timeout=120)
        check(c.returncode == 0, "gridscope check of /etc/gridscope/site.yaml finds the installed profiles: "
              + c.stdout[-300:] + c.stderr[-300:])
        answers = serve_demo(root, os.path.join(folder))
        check(answers.get("/", (0,))[0] == 200 and b"<html" in answers["/"][1].lower(),
              "the installed gridscope serves the installed webroot")
        check(answers.get("/node_modules/uplot/dist/uPlot.esm.js", (0,))[0] == 200, "... and uPlot")
        check(answers.get("/api/v1/health", (0,))[0] == 200, "... and its API")

        # A save from the browser under the unit's file system rules: refused (500, file
        # untouched) with the data folder alone writable, as the unit was before; taken with the
        # unit's ReadWritePaths (the file rewritten, the old one kept as site.yaml.1).
        etc = os.path.join(root, "etc/gridscope")
        refused = save_in_sandbox(root, folder, ["/var/lib/gridscope"])
        if refused is None:
            print("skipped: no user and mount namespaces here (unshare -rm)")
        else:
            check(refused[0] == 500 and refused[1] == refused[2] and not os.path.exists(etc + "/site.yaml.1"),
                  f"without /etc/gridscope writable a save fails with 500, the file untouched: {refused[0]}")
            saved = save_in_sandbox(root, folder, rw_paths(settings))
            check(saved[0] == 200 and "Saved under the unit's rules" in saved[1],
                  f"with the unit's ReadWritePaths a save is taken: {saved[0]}")
            check(os.path.isfile(etc + "/site.yaml.1") and open(etc + "/site.yaml.1").read() == saved[2],
                  "... and the old site file is kept as site.yaml.1")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return finish("deb_test")


if __name__ == "__main__":
    sys.exit(main())

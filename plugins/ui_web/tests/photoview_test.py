#!/usr/bin/env python3
"""Photoview API (issue 18) against the real `gridscope run` on an ephemeral 127.0.0.1 port:
roles, CSRF, bad input, SVG refusals (tricky ones too), the 10 MB image limit through the real
server, the page limit (21 by default, then photoview_max_pages), the headers images are served
with (cached as immutable: a re-upload gets a new URL), data a device does not have refused,
and the pages kept across a restart in <data dir>/photoview. Every wait is bounded.

  photoview_test.py --gridscope BUILD/bin/gridscope --site tests/browser/site/site.yaml
"""
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/support"))
import gs_server  # noqa: E402
from gs_server import Server  # noqa: E402
from gs_test import check, finish, test_arguments  # noqa: E402

TEN_MB = 10 * 1024 * 1024


def png(width, height, size=None):
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\x00\x00\x00" + b"\0" * 4
    return head if size is None else head + b"\0" * (size - len(head))


def svg(inside="", attrs=""):
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="400" height="200"{attrs}>{inside}</svg>').encode()


REFUSED_SVG = {
    "script": svg("<script>alert(1)</script>"),
    "onload": svg("", ' onload="alert(1)"'),
    "ONCLICK": svg('<rect ONCLICK="alert(1)"/>'),
    "javascript href": svg('<a href="javascript:alert(1)"><text>x</text></a>'),
    "xlink:href with entity": svg('<a xlink:href="&#106;ava&#x73;cript:alert(1)"/>'),
    "tab and case": svg('<a href=" JaVa&#9;ScRiPt:alert(1)"/>'),
    "declared entity": b'<!DOCTYPE svg [<!ENTITY j "javascript:alert(1)">]>' + svg('<a href="&j;"/>'),
    "foreignObject": svg('<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">x</body></foreignObject>'),
    "set to javascript": svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'),
    "not XML": b"<svg><g></svg>",
}


def main():
    args = test_arguments("--site")
    srv = None
    kept = None
    try:
        srv = Server(args.gridscope, args.site)
        for profile, pw in (("admin", "admin secret 1"), ("advanced", "advanced secret 1")):
            code, err = srv.passwd(profile, pw)
            check(code == 0, f"passwd {profile}: {err}")
        user = srv.login("user")
        advanced = srv.login("advanced", "advanced secret 1")
        admin = srv.login("admin", "admin secret 1")

        def call(who, method, path, body=None, raw=None, ctype=None, csrf=True):
            cookie, token = who if who else (None, None)
            headers = {"Content-Type": ctype} if ctype else None
            return srv.request(method, path, body, headers=headers, cookie=cookie, csrf=token if csrf else None, raw_body=raw, timeout=30)

        # Viewing: every profile; changing: Admin only.
        check(call(None, "GET", "/api/v1/photoview")[0] == 401, "anonymous GET /photoview: 401")
        for name, who in (("user", user), ("advanced", advanced), ("admin", admin)):
            status, body, _ = call(who, "GET", "/api/v1/photoview")
            check(status == 200 and body["pages"] == [], f"{name} GET /photoview: {status} {body}")
        for name, who in (("user", user), ("advanced", advanced)):
            check(call(who, "POST", "/api/v1/photoview/pages", {"name": "x", "symbol": ""})[0] == 403, f"{name} POST pages: 403")
            check(call(who, "PUT", "/api/v1/photoview/pages/1", {"name": "x", "symbol": "", "elements": []})[0] == 403, f"{name} PUT page: 403")
            check(call(who, "DELETE", "/api/v1/photoview/pages/1")[0] == 403, f"{name} DELETE page: 403")
            check(call(who, "PUT", "/api/v1/photoview/pages/1/image", raw=png(10, 10), ctype="image/png")[0] == 403, f"{name} PUT image: 403")
        status, _, _ = call(admin, "POST", "/api/v1/photoview/pages", {"name": "Site", "symbol": "home"}, csrf=False)
        check(status == 403, f"POST pages without CSRF: {status}")

        status, page, _ = call(admin, "POST", "/api/v1/photoview/pages", {"name": "Site", "symbol": "home"})
        check(status == 201 and set(page) == {"id", "name", "symbol", "image", "elements"} and page["image"] is None,
              f"POST pages: {status} {page}")
        pid = page["id"]
        status, floor, _ = call(admin, "POST", "/api/v1/photoview/pages", {"name": "Floor 1", "symbol": ""})
        elements = [
            {"id": "m1", "kind": "measure", "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2, "source": "diris-main", "circuit": 1,
             "data": ["IPSumInst", "IV1Inst"], "title": "Main board"},
            {"id": "t1", "kind": "text", "x": 0.5, "y": 0.1, "w": 0.2, "h": 0.1, "text": "<img src=x onerror=alert(1)>",
             "color": "#ffffff", "background": "#000000"},
            {"id": "d1", "kind": "device", "x": 0.5, "y": 0.5, "w": 0.1, "h": 0.1, "source": "hvac", "style": "zone"},
            {"id": "l1", "kind": "link", "x": 0.8, "y": 0.8, "w": 0.15, "h": 0.1, "page": floor["id"]},
        ]
        status, saved, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}", {"name": "Site", "symbol": "home", "elements": elements})
        check(status == 200 and saved["elements"] == elements, f"PUT page: {status} {saved}")
        status, listed, _ = call(user, "GET", "/api/v1/photoview")
        check(status == 200 and listed["pages"][0] == saved, "GET /photoview shows the saved page as stored")

        # Bad input: clear 400/404/405/415, nothing stored.
        for what, method, path, body, raw, ctype, want in [
            ("element out of the image", "PUT", f"/api/v1/photoview/pages/{pid}", {"name": "S", "elements": [{**elements[1], "x": 0.95}]}, None, None, 400),
            ("unknown device", "PUT", f"/api/v1/photoview/pages/{pid}", {"name": "S", "elements": [{**elements[2], "source": "nope"}]}, None, None, 400),
            ("unknown data", "PUT", f"/api/v1/photoview/pages/{pid}", {"name": "S", "elements": [{**elements[0], "data": ["Nope"]}]}, None, None, 400),
            ("CSS in a colour", "PUT", f"/api/v1/photoview/pages/{pid}", {"name": "S", "elements": [{**elements[1], "color": "red;x:url(y)"}]}, None, None, 400),
            ("no name", "PUT", f"/api/v1/photoview/pages/{pid}", {"elements": []}, None, None, 400),
            ("not JSON", "PUT", f"/api/v1/photoview/pages/{pid}", None, b"{oops", "application/json", 400),
            ("text/plain page", "PUT", f"/api/v1/photoview/pages/{pid}", None, b"{}", "text/plain", 415),
            ("unknown page", "PUT", "/api/v1/photoview/pages/999", {"name": "S", "elements": []}, None, None, 404),
            ("GIF", "PUT", f"/api/v1/photoview/pages/{pid}/image", None, b"GIF89a....", "image/gif", 400),
            ("PNG named JPEG", "PUT", f"/api/v1/photoview/pages/{pid}/image", None, png(5, 5), "image/jpeg", 400),
            ("empty image", "PUT", f"/api/v1/photoview/pages/{pid}/image", None, b"", "image/png", 400),
            ("GET a page", "GET", f"/api/v1/photoview/pages/{pid}", None, None, None, 405),
        ]:
            status, body, _ = call(admin, method, path, body, raw=raw, ctype=ctype)
            check(status == want, f"{what}: {status} (expected {want}) {body}")
        # A data of the catalog (the ATyS's) that the DIRIS does not have: refused, naming both.
        status, body, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}",
                               {"name": "S", "elements": [{**elements[0], "data": ["IPSumInst", "AtysSwitchPosition"]}]})
        check(status == 400 and body["message"] == "elements[0]: data: 'diris-main' circuit 1 has no data 'AtysSwitchPosition'",
              f"data the device does not have: {status} {body}")
        check(call(user, "GET", "/api/v1/photoview")[1]["pages"][0] == saved, "refused changes stored nothing")

        # SVG: the refusals, then a clean one accepted and served harmless.
        for what, body in REFUSED_SVG.items():
            status, answer, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}/image", raw=body, ctype="image/svg+xml")
            check(status == 400 and answer["error"] == "invalid_image", f"SVG {what}: {status} {answer}")
        status, page, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}/image", raw=svg('<rect width="10" height="10"/>'), ctype="image/svg+xml")
        check(status == 200 and page["image"]["width"] == 400 and page["image"]["height"] == 200, f"clean SVG: {status} {page}")
        status, body, r = call(user, "GET", page["image"]["url"])
        check(status == 200 and r.getheader("Content-Type") == "image/svg+xml", f"SVG served: {status} {r.getheader('Content-Type')}")
        csp = r.getheader("Content-Security-Policy") or ""
        check("sandbox" in csp and "default-src 'none'" in csp and "script" not in csp, f"image CSP: {csp}")
        check(r.getheader("X-Content-Type-Options") == "nosniff", "image nosniff")
        # A URL never changes content, so the image is cached for good (one Cache-Control only).
        check(r.getheader("Cache-Control") == "private, max-age=31536000, immutable", f"image Cache-Control: {r.getheader('Cache-Control')}")
        # The same bytes uploaded again: a new URL; the old one is gone (and errors are not cached).
        status, again, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}/image", raw=svg('<rect width="10" height="10"/>'), ctype="image/svg+xml")
        check(status == 200 and again["image"]["url"] != page["image"]["url"], f"re-upload gives a new URL: {page['image']} {again['image']}")
        status, _, r = call(user, "GET", page["image"]["url"])
        check(status == 404 and r.getheader("Cache-Control") == "no-store", f"old image URL: {status} {r.getheader('Cache-Control')}")
        status, _, r = call(user, "GET", again["image"]["url"])
        check(status == 200 and r.getheader("Cache-Control") == "private, max-age=31536000, immutable", f"new image URL: {status}")

        # 10 MB through the real server: exactly 10 MB accepted, one byte more refused.
        status, page, _ = call(admin, "PUT", f"/api/v1/photoview/pages/{pid}/image", raw=png(1920, 1080, TEN_MB), ctype="image/png")
        check(status == 200 and page["image"]["width"] == 1920, f"10 MB PNG: {status}")
        status, body, r = call(user, "GET", page["image"]["url"])
        check(status == 200 and len(body) == TEN_MB and r.getheader("Content-Type") == "image/png", f"10 MB PNG served: {status}")
        # One byte more: refused from its Content-Length, before the body is read.
        answer, closed = srv.raw((f"PUT /api/v1/photoview/pages/{pid}/image HTTP/1.1\r\nHost: {srv.host}\r\n"
                                  f"Cookie: {admin[0]}\r\nX-CSRF-Token: {admin[1]}\r\nContent-Type: image/png\r\n"
                                  f"Content-Length: {TEN_MB + 1}\r\n\r\n").encode() + png(1920, 1080))
        check(answer.startswith(b"HTTP/1.1 413") and closed is not None, f"10 MB + 1 byte: {answer[:40]!r}, closed {closed}")
        check(srv.request("GET", "/api/v1/health")[0] == 200, "the server answers after the refused upload")
        # The JSON endpoints keep their own (small) limit.
        status, _, _ = call(admin, "POST", "/api/v1/photoview/pages", raw=b'{"name": "' + b"x" * 40000 + b'"}', ctype="application/json")
        check(status == 413, f"a large POST body: {status}")

        # Page limit: 21 by default.
        count = len(call(admin, "GET", "/api/v1/photoview")[1]["pages"])
        for i in range(count, 21):
            status, _, _ = call(admin, "POST", "/api/v1/photoview/pages", {"name": f"P{i}", "symbol": ""})
            check(status == 201, f"page {i + 1}: {status}")
        status, body, _ = call(admin, "POST", "/api/v1/photoview/pages", {"name": "P22", "symbol": ""})
        check(status == 409 and body["error"] == "too_many_pages", f"page 22: {status} {body}")

        # DELETE, and the link to it is kept (the editor reports it).
        status, _, _ = call(admin, "DELETE", f"/api/v1/photoview/pages/{floor['id']}")
        check(status == 200, f"DELETE: {status}")
        pages = call(user, "GET", "/api/v1/photoview")[1]["pages"]
        check(all(p["id"] != floor["id"] for p in pages), "the deleted page is gone")

        # Stored in the data dir's photoview folder; kept across a restart.
        folder = os.path.join(srv.data_dir, "photoview")
        check(os.path.isfile(os.path.join(folder, "pages.json")), "pages.json in <data dir>/photoview")
        kept = tempfile.mkdtemp(prefix="gs-pv-kept-")
        shutil.copytree(srv.data_dir, os.path.join(kept, "data"))
        srv.stop()
        srv = server_with_data(args, os.path.join(kept, "data"))
        user = srv.login("user")
        status, after, _ = srv.request("GET", "/api/v1/photoview", cookie=user[0])
        check(status == 200 and after["pages"] == pages and after["max_pages"] == 21, f"pages after a restart: {status}")
        srv.stop()

        # photoview_max_pages configures the limit.
        srv = Server(args.gridscope, args.site, ui_web={"photoview_max_pages": "2"})
        srv.passwd("admin", "admin secret 1")
        admin = srv.login("admin", "admin secret 1")
        statuses = [srv.request("POST", "/api/v1/photoview/pages", {"name": f"p{i}", "symbol": ""}, cookie=admin[0], csrf=admin[1])[0]
                    for i in range(3)]
        check(statuses == [201, 201, 409], f"photoview_max_pages 2: {statuses}")
    finally:
        if srv:
            srv.stop()
        if kept:
            shutil.rmtree(kept, ignore_errors=True)
    return finish("ui_web_photoview")


def server_with_data(args, data_dir):
    """A server started on a copy of `data_dir` (gs_server.Server always makes a fresh folder:
    the copy is put in it before the server starts)."""
    original = gs_server.tempfile.mkdtemp

    def mkdtemp(prefix=""):
        folder = original(prefix=prefix)
        shutil.copytree(data_dir, os.path.join(folder, "data"))
        return folder
    gs_server.tempfile.mkdtemp = mkdtemp
    try:
        return Server(args.gridscope, args.site)
    finally:
        gs_server.tempfile.mkdtemp = original


if __name__ == "__main__":
    sys.exit(main())

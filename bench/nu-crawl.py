#!/usr/bin/env python3
"""Crawls the app as one signed-in person and saves each HTML page for the Nu HTML checker (bench/nu-validate.sh).

Usage: nu-crawl.py BASE COOKIE OUT_DIR [MAX_PAGES]
Breadth-first from "/", following same-origin links, one page per route shape (/Plans/{id}/Edit/{key} and the names of
the query, not their values), skipping what is not a page; the same rules as OneWayToWriteTests' crawl. Writes
OUT_DIR/NNN.html and OUT_DIR/pages.tsv (file, path).
"""
import re
import sys
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

IDS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?<=/)\d+(?=/|$)")


def skipped(path: str) -> bool:
    lower = path.lower()
    return (lower.startswith(("/api", "/openapi", "/auth/logout")) or "handler=" in lower or "format=" in lower
            or lower.endswith((".ics", ".csv")) or path.startswith(("/lib/", "/css/", "/js/")))


def shape(path: str) -> str:
    route, _, query = path.partition("?")
    names = sorted(p.split("=")[0] for p in query.split("&") if p)
    return IDS.sub("{id}", route) + "?" + "&".join(names)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    base, cookie, out = sys.argv[1].rstrip("/"), sys.argv[2], Path(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 45
    out.mkdir(parents=True, exist_ok=True)
    opener = urllib.request.build_opener(NoRedirect)
    queue, seen, saved, index = deque(["/"]), {shape("/")}, [], 0
    while queue and index < limit:
        path = queue.popleft()
        index += 1
        request = urllib.request.Request(base + path, headers={"Cookie": cookie, "Accept": "text/html"})
        try:
            with opener.open(request, timeout=120) as response:
                if not response.headers.get("Content-Type", "").startswith("text/html"):
                    continue
                html = response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            # A redirect (303 to my plan) is followed as a link; anything else is not a page to check.
            location = e.headers.get("Location") if 300 <= e.code < 400 else None
            if location:
                local = urlsplit(urljoin(base + path, location))
                target = local.path + (f"?{local.query}" if local.query else "")
                if not skipped(target) and shape(target) not in seen:
                    seen.add(shape(target))
                    queue.appendleft(target)
            continue
        name = f"{index:03d}.html"
        (out / name).write_text(html, encoding="utf-8")
        saved.append((name, path))
        parser = Links()
        parser.feed(html)
        for href in parser.links:
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" != base:
                continue
            local = url.path + (f"?{url.query}" if url.query else "")
            if local and not skipped(local) and shape(local) not in seen:
                seen.add(shape(local))
                queue.append(local)
    (out / "pages.tsv").write_text("".join(f"{n}\t{p}\n" for n, p in saved), encoding="utf-8")
    print(len(saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())

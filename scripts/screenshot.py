#!/usr/bin/env python
"""Screenshot pages of a running Juwei in Debian's Chromium, to look at what we built.

Usage: scripts/screenshot.py [--base http://127.0.0.1:8000] [--width 1280] [--lang zh-CN]
                             USER:PATH:OUT.png ...   (USER "anon" for no login)
"""

import argparse

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shots", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("--password", default="juwei-demo")
    opts = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for shot in opts.shots:
            user, path, out = shot.split(":", 2)
            context = browser.new_context(
                locale=opts.lang, viewport={"width": opts.width, "height": opts.height}
            )
            page = context.new_page()
            if user != "anon":
                page.goto(f"{opts.base}/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", opts.password)
                page.click("button[type=submit].primary")
            page.goto(f"{opts.base}{path}")
            page.screenshot(path=out, full_page=True)
            context.close()
            print(out)
        browser.close()


if __name__ == "__main__":
    main()

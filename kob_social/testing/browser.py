"""What every browser test asks of a page, in one place: an axe scan with zero violations at
desktop size and at a phone's (390×844), whatever size the test itself is working at."""

from axe_playwright_python.sync_playwright import Axe

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def assert_accessible(page) -> None:
    """Scan the page as it is now at both sizes, then give the test back its own size."""
    own_size = page.viewport_size
    reports = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        results = Axe().run(page)
        if results.violations_count:
            reports.append(f"at {size['width']}×{size['height']}:\n{results.generate_report()}")
    if own_size is not None:
        page.set_viewport_size(own_size)
    assert reports == [], "\n".join(reports)

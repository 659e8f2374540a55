"""What the tests of the plan views share (test_plan_form.py, test_plan_pages.py): a page read
as a tree of elements, found by tag and attributes, with the few readers built on it; and a
snapshot of every table a refused request must leave as it was.
"""

from html.parser import HTMLParser

from notifications.models import Notification
from plans.models import Decision, Goal, Plan

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- Reading pages ------------------------------------------------------------------------------


class Element:
    """A parsed element: tag, attributes, children (elements and text, kept exactly)."""

    def __init__(self, tag: str, attrs, parent=None):
        self.tag = tag
        self.attrs = {name: "" if value is None else value for name, value in attrs}
        self.parent = parent
        self.children: list = []

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def matches(self, tag, attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for name, wanted in attrs.items():
            if name == "class":
                if not set(wanted.split()) <= set(self.attrs.get("class", "").split()):
                    return False
            elif self.attrs.get(name) != wanted:
                return False
        return True

    def find_all(self, tag=None, **attrs) -> list["Element"]:
        """Descendants by tag and attributes; `class_="a"` matches a class, `aria_current` is aria-current."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return list(self._descendants(tag, wanted))

    def _descendants(self, tag, wanted):
        for child in self.children:
            if isinstance(child, Element):
                if child.matches(tag, wanted):
                    yield child
                yield from child._descendants(tag, wanted)

    def find(self, tag=None, **attrs) -> "Element":
        """The one element that matches (fails when there is none or more than one)."""
        (element,) = self.find_all(tag, **attrs)
        return element


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", [])

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(response) -> Element:
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def field_value(document: Element, name: str) -> str:
    """What the browser would send for the text input or textarea `name`."""
    element = document.find(name=name)
    if element.tag == "textarea":
        return element.text().removeprefix("\n")  # Django writes a newline after <textarea>
    return element.attrs.get("value", "")


def option_values(document: Element, name: str) -> list[str]:
    return [option.attrs["value"] for option in document.find("select", name=name).find_all("option")]


def section(document: Element, heading_id: str) -> Element:
    return document.find("section", aria_labelledby=heading_id)


def table_rows(element: Element) -> list[Element]:
    return element.find("tbody").find_all("tr")


# --- Nothing changed ----------------------------------------------------------------------------


def snapshot() -> dict:
    return {
        "plans": list(Plan.objects.order_by("pk").values()),
        "goals": list(Goal.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values()),
        "plan_history": Plan.history.model.objects.count(),
        "notifications": Notification.objects.count(),
    }

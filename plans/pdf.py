"""The signed plan as a PDF/A document, rendered with WeasyPrint from a snapshot (stub)."""


def render_plan_pdf(snapshot: dict, *, fingerprint: str, draft: bool = False) -> bytes:
    raise NotImplementedError

"""Optional digital signature (PAdES) of the stored PDF with pyHanko (stub)."""


def sign_pdf(pdf: bytes) -> bytes | None:
    return None

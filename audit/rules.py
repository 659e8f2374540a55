"""Who may read the audit log: the Systemadministratör, and the kulturdirektör read-only (he
reads every decision; he exports nothing about a person). Views ask here; nothing else decides."""

from accounts.models import User


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_systemadministrator or user.is_kulturdirektor)


def can_manage_personal_data(user: User) -> bool:
    """The export of everything stored about one person is the administrator's alone."""
    return user.is_authenticated and user.is_active and user.is_systemadministrator


def can_end_person(user: User, person: User) -> bool:
    """Ending someone's account (audit.leaving) is the administrator's, and never their own."""
    return user.is_authenticated and user.is_active and user.is_systemadministrator and user.pk != person.pk

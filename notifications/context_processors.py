from .queries import unread_count


def unread(request):
    """The unread count for the header badge: one COUNT query per page, none when signed out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}

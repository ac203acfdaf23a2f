from django.conf import settings


def site(request):
    """The site's name, for the header, the footer and the page titles."""
    return {"SITE_NAME": settings.SITE_NAME}

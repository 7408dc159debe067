"""{% booking_link application as link %}: the overview's link to book a panel place, or to the
place booked, on routes where the worker books (link.label, link.url; None elsewhere)."""

from django import template

from portfolios.applications.booking import booking_link as _booking_link

register = template.Library()


@register.simple_tag
def booking_link(application):
    link = _booking_link(application)
    return {"label": link[0], "url": link[1]} if link else None

"""Activity figures on other apps' pages without their views knowing about activities."""

from typing import Any

from django import template

from medbridge.activities import selectors

register = template.Library()


@register.inclusion_tag("activities/programme_figures.html")
def programme_activity_figures(programme: Any) -> dict[str, Any]:
    return {"programme": programme, "figures": selectors.programme_activity_figures(programme)}

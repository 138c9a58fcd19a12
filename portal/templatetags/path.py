"""`{% continue_link %}`: the person's one next step, for any page or fragment that ends a step."""

from django import template

from ..tiers.selectors import next_step_for

register = template.Library()


@register.inclusion_tag("components/continue.html", takes_context=True)
def continue_link(context):
    """ "Next step: … · Continue", pointing at the exact place of the person's next step; "You
    hold every tier" when there is none. Nothing for someone outside the directory. Five
    queries or so (My path's four and the app's lookup of the exact place)."""
    request = context.get("request")
    path, step = next_step_for(request.user) if request is not None else (None, None)
    return {"path": path, "step": step}

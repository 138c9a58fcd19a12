"""What waits for the people who run the programme: the first panel of their admin dashboard.

`portal` imports none of the domain apps; each registers its to-dos in `AppConfig.ready()`
(questions waiting for an answer, nominations to review, sessions whose attendance is not
marked). A to-do's `count(user)` is one query; the panel shows only those above zero, so the
dashboard says "nothing waits for you" on a quiet day rather than a list of zeros.
"""

from collections.abc import Callable
from dataclasses import dataclass

from wagtail.admin.ui.components import Component

from .navigation import Target, target_url
from .permissions import can_run_programme


@dataclass(frozen=True)
class Todo:
    name: str
    singular: str  # "{n} question waits for an answer"
    plural: str  # "{n} questions wait for an answer"
    count: Callable[[object], int]
    where: Target  # the admin screen where it is done
    order: int = 100
    visible: Callable[[object], bool] = can_run_programme

    def describe(self, n: int) -> str:
        return (self.singular if n == 1 else self.plural).format(n=n)


_todos: dict[str, Todo] = {}


def register(todo: Todo) -> None:
    _todos[todo.name] = todo


def todos_for(user) -> list[dict]:
    """The to-dos with something waiting for `user`, in order: text, count and link."""
    waiting = []
    for todo in sorted(_todos.values(), key=lambda t: t.order):
        if not todo.visible(user):
            continue
        n = todo.count(user)
        if n:
            waiting.append({"text": todo.describe(n), "count": n, "url": target_url(todo.where)})
    return waiting


class TodoPanel(Component):
    """The dashboard's "Waiting for you" panel, first on the page for programme staff."""

    name = "portal_todo"
    template_name = "portal/admin/todo_panel.html"
    order = 10

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        return {"todos": todos_for(self.user)}

"""The annual training plan as a viewer asks for it, for the plan's service tests
(tests/handlers/services/training_plan/): over tests/helpers/summary_data.py's commune with
plan_data.py's registrations."""

from handlers.services.training_plan.read import (
    asked_by,
    read_plan,
)
from knowledge.targets import load_targets
from storage.repo import Repo
from tests.helpers import summary_data as data

TARGETS = load_targets()


async def plan_of(app, viewer_code: str, unit_code: str | None = None, year: int = 2027):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        viewer = await repo.officials.by_code(viewer_code)
        cal = app.conversation.options.calendar
        asked = await asked_by(repo, viewer, unit_code, year, data.TODAY, cal)
        return await read_plan(
            repo, asked, knowledge=app.conversation.knowledge, targets=TARGETS, today=data.TODAY
        )

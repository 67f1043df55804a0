"""One module per page of the desk; each holds its aiohttp `routes`."""

from bot.desk.pages import (
    announcements,
    downloads,
    evaluations,
    officials,
    overview,
    reviews,
    roster,
    targets,
    training_plan,
)

ROUTES = (
    overview.routes,
    targets.routes,
    reviews.routes,
    evaluations.routes,
    announcements.routes,
    officials.routes,
    roster.routes,
    training_plan.routes,
    downloads.routes,
)

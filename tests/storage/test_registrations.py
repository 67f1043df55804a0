"""Training registrations and commune settings are stored and read back as written."""

from knowledge.vocabulary import CourseCategory
from storage.models import TrainingRegistration
from storage.repo import Repo


async def test_registrations_round_trip_by_year_unit_and_official(app):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        first = await repo.officials.by_code("DEMO010")
        second = await repo.officials.by_code("DEMO011")
        await repo.registrations.add(
            TrainingRegistration(
                official_id=first.id,
                year=2027,
                category=CourseCategory.DEGREE,
                course_name="Đại học Luật",
                specialisation="Luật hành chính",
                study_form="part_time",
                gap="7a",
            )
        )
        await repo.registrations.add(
            TrainingRegistration(
                official_id=second.id,
                year=2027,
                category=CourseCategory.POLITICAL_THEORY,
                course_id="llct-trung-cap",
                course_name="Trung cấp lý luận chính trị",
                study_form="full_time",
            )
        )
        await repo.registrations.add(
            TrainingRegistration(
                official_id=first.id,
                year=2028,
                category=CourseCategory.OTHER,
                course_name="Tiếng Anh",
                study_form="online",
            )
        )
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        rows = await repo.registrations.for_year(2027)
        assert {(r.official.code, r.course_name) for r in rows} == {
            ("DEMO010", "Đại học Luật"),
            ("DEMO011", "Trung cấp lý luận chính trị"),
        }
        mine = await repo.registrations.of_official(first.id, 2027)
        assert [(r.category, r.specialisation, r.study_form, r.gap) for r in mine] == [
            (CourseCategory.DEGREE, "Luật hành chính", "part_time", "7a")
        ]
        assert await repo.registrations.registered(first.id, 2028)
        assert not await repo.registrations.registered(second.id, 2028)
        in_unit = await repo.registrations.for_year(2027, unit_id=first.unit_id)
        assert all(r.official.unit_id == first.unit_id for r in in_unit)
        await repo.registrations.delete(mine[0])
        assert await repo.registrations.of_official(first.id, 2027) == []
        (await repo.officials.by_code("DEMO010")).active = False
        await session.flush()
        assert await repo.registrations.for_year(2028) == []


async def test_a_commune_setting_is_created_then_changed(app):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        assert await repo.settings.get("registration_window") is None
        await repo.settings.set("registration_window", {"opens": "01/10"}, "admin:1")
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.settings.set("registration_window", {"opens": "15/09"}, "admin:2")
    async with app.sessionmaker() as session, session.begin():
        assert await Repo(session).settings.get("registration_window") == {"opens": "15/09"}

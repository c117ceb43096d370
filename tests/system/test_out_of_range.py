"""Pages answer ids and dates out of range like the API: a 404 page, or the form's error."""

from __future__ import annotations

from tests.system.test_bad_input import TOO_LARGE
from tests.web.conftest import PASSWORD, sign_in


def test_pages_answer_ids_and_dates_out_of_range(web, make_user, kz_ministry,
                                                 make_person) -> None:
    make_user("alice@docket.test", "reviewer", password=PASSWORD)
    sign_in(web, "alice@docket.test")
    for value in TOO_LARGE:
        page = web.get(f"/console/items/{value}")
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    web.cookies.clear()
    make_person(kz_ministry, "aigerim@mid.gov.kz", "Aigerim Nurlanovna")
    sign_in(web, "aigerim@mid.gov.kz")
    page = web.get("/portal?received_from=2026-01-01&received_to=9999-12-31")
    assert page.status_code in (200, 422), page.text
    assert "between 1970-01-01 and 2999-12-31" in page.text

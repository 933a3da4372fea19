"""No URL a person can type gets a 500: odd ids and parameters answer 404 (or the page)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/dashboard/omraade/enhed/99999999999999999999999/", 404),
        ("/dashboard/heatmap/enhed/0/", 404),
        ("/dashboard/onboarding/enhed/99999999999999999999999/", 404),
        ("/dashboard/raekkevidde/99999999999999999999999/", 404),
        ("/dashboard/resultater/99999999999999999999999.xlsx", 404),
        ("/dashboard/omraade/?survey=99999999999999999999999", 404),
        ("/dashboard/heatmap/?wave=-1", 404),
        ("/dashboard/heatmap/?wave=1%00", 404),
        ("/dashboard/onboarding/?side=abc", 200),
        ("/dashboard/onboarding/?side=999", 200),
        ("/dashboard/kernefortaellingen/?format=", 404),
    ],
)
def test_odd_urls_do_not_break_a_page(dash_org, results, web, url, status):
    assert web(dash_org.leader).get(url).status_code == status

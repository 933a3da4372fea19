"""Changing the e-mail or mobile number a person logs in with ends their sessions."""


def test_changing_the_login_address_ends_the_sessions(org, api):
    client = api(org.employee)
    assert client.get("/api/v1/me/").status_code == 200
    response = api(org.hr).patch(
        f"/api/v1/org/people/{org.employee.pk}/", {"email": "ny.adresse@example.dk"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert client.get("/api/v1/me/").status_code == 401


def test_changing_the_job_title_keeps_the_sessions(org, api):
    client = api(org.employee)
    response = api(org.hr).patch(
        f"/api/v1/org/people/{org.employee.pk}/", {"job_title": "Afløser"}, format="json"
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me/").status_code == 200

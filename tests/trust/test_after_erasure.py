"""After a person is erased, nothing left behind trips a later request: every route, called by
every role on the objects the erased person touched, answers without a 5xx."""

from content import services as content_services
from content.models import PostKind
from org import erasure

from .matrix import call, path_for
from .test_authorization_matrix import QUERY, TABLE, _objects, _people


def test_no_route_trips_over_an_erased_person(world, client_for):
    # Given the buddy (of a journey) and an employee with devices, an inbox, read receipts and
    # an RSVP, each named in a draft's audience and as a decision owner, then erased
    o = world.org
    content_services.event_rsvp(post=world.post_a, user=o.employee, answer="yes")
    draft = content_services.post_create(
        author=o.comms,
        kind=PostKind.MINUTES,
        title="Referat",
        unit=o.unit_a,
        meeting_name="Personalemøde",
        meeting_date=world.post_a.starts_at.date(),
        audience=content_services.AudienceSpec(people=[o.employee, world.buddy]),
        decisions=[content_services.DecisionSpec(text="Ny vagtplan", owner=o.employee)],
    )
    for person in (o.employee, world.buddy):
        erasure.user_erase(actor=o.hr, user=person)
    objects = _objects(world, "a")
    people = {
        role: user
        for role, user in _people(world).items()
        if role in ("leader", "hr", "comms", "admin", "employee_b")
    }
    clients = {role: client_for(user) for role, user in people.items()}
    server_errors = []
    # When every role calls every route, and the draft's own routes
    for name, method in sorted(TABLE):
        path = path_for(name, objects)
        query = QUERY.get(name, "").format(**objects)
        for role, client in clients.items():
            status = call(client, method, path, query).status_code
            if status >= 500:
                server_errors.append(f"{method.upper()} {path} as {role}: {status}")
    comms = clients["comms"]
    for method, suffix in [
        ("get", ""),
        ("get", "reach/"),
        ("post", "publish/"),
        ("post", "archive/"),
    ]:
        status = call(comms, method, f"/api/v1/posts/{draft.pk}/{suffix}").status_code
        if status >= 500:
            server_errors.append(f"{method.upper()} draft {suffix}: {status}")
    # Then none answered with a server error
    assert server_errors == []

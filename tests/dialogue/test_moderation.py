"""Report → queue → hide → shown as hidden; who may hide and who may not."""

from content.models import PostKind
from content.services import AudienceSpec
from dialogue import services
from dialogue.models import Comment, CommentReport
from tests.content.factories import PostFactory

from .conftest import comments_url


def test_report_queue_hide_and_shown_as_hidden(org, news, client_for):
    # Given the employee's comment, reported twice (once twice by the same person)
    comment = services.comment_create(author=org.employee, post=news, text="Grim tekst")
    for reporter, reason in [(org.other_employee, "Stødende"), (org.leader, ""), (org.leader, "")]:
        response = client_for(reporter).post(
            f"/api/v1/comments/{comment.pk}/report/", {"reason": reason}, format="json"
        )
        assert response.json() == {"reported": True}
    assert CommentReport.objects.filter(comment=comment).count() == 2
    # Then communications sees it in the queue, text included
    comms = client_for(org.comms)
    queue = comms.get("/api/v1/dialogue/moderation/").json()
    assert queue["count"] == 1
    assert [(c["id"], c["text"], c["open_reports"], c["post_title"]) for c in queue["results"]] == [
        (comment.pk, "Grim tekst", 2, "Ny kantine")
    ]
    # When communications hides it
    hidden = comms.post(
        f"/api/v1/comments/{comment.pk}/moderate/",
        {"decision": "hide", "reason": "Tone"},
        format="json",
    )
    assert hidden.status_code == 200
    # Then readers see it as hidden without its text, it is kept, and the queue is empty
    [thread] = client_for(org.other_employee).get(comments_url(news)).json()["results"]
    assert (thread["hidden"], thread["text"], thread["html"]) == (True, "", "")
    kept = Comment.objects.get(pk=comment.pk)
    assert (kept.text, kept.hidden_by, kept.hidden_reason) == ("Grim tekst", org.comms, "Tone")
    assert comms.get("/api/v1/dialogue/moderation/").json()["count"] == 0
    # And a hidden comment can be neither edited nor replied to
    edit = client_for(org.employee).patch(
        f"/api/v1/comments/{comment.pk}/", {"text": "Pæn tekst"}, format="json"
    )
    assert edit.status_code == 409
    reply = client_for(org.leader).post(
        comments_url(news), {"text": "Svar", "parent": comment.pk}, format="json"
    )
    assert reply.status_code == 409


def test_keep_takes_a_comment_out_of_the_queue_and_leaves_it_shown(org, news, client_for):
    comment = services.comment_create(author=org.employee, post=news, text="Kritik")
    services.comment_report(reporter=org.other_employee, comment=comment)
    comms = client_for(org.comms)
    kept = comms.post(
        f"/api/v1/comments/{comment.pk}/moderate/", {"decision": "keep"}, format="json"
    )
    assert (kept.status_code, kept.json()["hidden"], kept.json()["text"]) == (200, False, "Kritik")
    assert comms.get("/api/v1/dialogue/moderation/").json()["count"] == 0


def test_the_writer_and_a_leader_in_scope_may_hide_others_may_not(org, client_for):
    # Given an HR staff page (comments opened) and a comms post, each with a unit A comment
    page = PostFactory(author=org.hr, kind=PostKind.PAGE, title="Løn")
    services.post_comments_set(actor=org.hr, post=page, comments_open=True)
    for_all = PostFactory(author=org.comms, title="For alle")
    on_page = services.comment_create(author=org.employee, post=page, text="Hvornår?")
    elsewhere = services.comment_create(author=org.employee, post=for_all, text="Hej alle")

    def hide(user, comment) -> int:
        return (
            client_for(user)
            .post(f"/api/v1/comments/{comment.pk}/moderate/", {"decision": "hide"}, format="json")
            .status_code
        )

    # The leader of unit B neither wrote the post nor leads the commenter: refused
    assert hide(org.other_leader, elsewhere) == 403
    # HR wrote the page, not the comms post: refused there
    assert hide(org.hr, elsewhere) == 403
    # A colleague cannot hide, nor the commenter themself
    assert hide(org.other_employee, elsewhere) == 403
    assert hide(org.employee, elsewhere) == 403
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 0
    # The leader of unit A (the commenter's leader) may hide it on a post it did not write
    assert hide(org.leader, elsewhere) == 200
    # The writer of a post may hide comments on it
    assert hide(org.hr, on_page) == 200
    assert set(Comment.objects.filter(hidden_at__isnull=False).values_list("pk", flat=True)) == {
        elsewhere.pk,
        on_page.pk,
    }


def test_another_units_post_comments_answer_404(org, client_for):
    # Given a post for unit B with a comment from unit B
    post_b = PostFactory(
        author=org.other_leader, title="Køkkenet", audience=AudienceSpec(units=[(org.unit_b, True)])
    )
    comment = services.comment_create(author=org.other_employee, post=post_b, text="Hej")
    # Then unit A's employee and leader get 404 on every dialogue route of it
    for user in (org.employee, org.leader):
        client = client_for(user)
        answers = [
            client.get(comments_url(post_b)).status_code,
            client.post(comments_url(post_b), {"text": "Ind"}, format="json").status_code,
            client.get(f"/api/v1/posts/{post_b.pk}/reactions/").status_code,
            client.post(f"/api/v1/comments/{comment.pk}/report/", {}, format="json").status_code,
            client.post(
                f"/api/v1/comments/{comment.pk}/moderate/", {"decision": "hide"}, format="json"
            ).status_code,
            client.post(
                comments_url(post_b), {"text": "x", "parent": comment.pk}, format="json"
            ).status_code,
        ]
        assert answers == [404] * 6, user
    assert Comment.objects.count() == 1
    assert CommentReport.objects.count() == 0


def test_only_communications_and_admins_see_the_queue(org, client_for):
    statuses = {
        name: client_for(getattr(org, name)).get("/api/v1/dialogue/moderation/").status_code
        for name in ("employee", "leader", "hr", "comms", "admin")
    }
    assert statuses == {"employee": 403, "leader": 403, "hr": 403, "comms": 200, "admin": 200}


def test_a_hidden_comment_can_be_shown_again(org, news, client_for):
    # Given a comment communications hid
    comment = services.comment_create(author=org.employee, post=news, text="Lidt for skarpt")
    services.comment_moderate(actor=org.comms, comment=comment, decision="hide", reason="Tone")
    # When communications restores it through the API
    response = client_for(org.comms).post(
        f"/api/v1/comments/{comment.pk}/moderate/", {"decision": "restore"}, format="json"
    )
    # Then it is shown again, with its text, and nothing of the hide is left
    assert response.status_code == 200
    assert (response.json()["hidden"], response.json()["text"]) == (False, "Lidt for skarpt")
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.hidden_by_id, comment.hidden_reason) == (None, None, "")
    # And an employee may not restore anything
    refused = client_for(org.other_employee).post(
        f"/api/v1/comments/{comment.pk}/moderate/", {"decision": "restore"}, format="json"
    )
    assert refused.status_code == 403

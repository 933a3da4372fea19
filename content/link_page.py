"""The post page behind an SMS or e-mail link (push.links): read, and "Læst og forstået".

The signed link stands for one person and this one post; the page records the read when it
is opened and the acknowledgement when the button is pressed, through the same services as
the app, and shows nothing the person could not see in the app.
"""

from django.shortcuts import redirect, render

from . import selectors, services


def post_link_page(request, *, user, object_id: int):
    post = selectors.post_for_reader(user=user, post_id=object_id)
    if post is None:
        return None
    if request.method == "POST":
        if post.requires_acknowledgement:
            services.post_acknowledge(post=post, user=user)
        return redirect(request.path)
    services.post_read_record(post=post, user=user)
    acknowledged = post.my_acknowledged_at is not None
    return render(request, "content/link_post.html", {"post": post, "acknowledged": acknowledged})

"""Factories for content: posts are written and published through content.services."""

import factory

from content import services
from content.models import Post, PostKind
from org.models import Role
from tests.factories import UserFactory


def everyone() -> services.AudienceSpec:
    return services.AudienceSpec(everyone=True)


class PostFactory(factory.django.DjangoModelFactory):
    """A published news post for everyone by a communications author, unless told otherwise.

    `publish=False` leaves a draft; `audience` takes a content.services.AudienceSpec.
    """

    class Meta:
        model = Post

    kind = PostKind.NEWS
    title = factory.Sequence(lambda n: f"Nyhed {n}")
    body = "Der er **nyt** fra kommunen."
    author = None
    audience = factory.LazyFunction(everyone)
    publish = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        publish = kwargs.pop("publish")
        author = kwargs.pop("author") or UserFactory(roles=[Role.COMMUNICATIONS])
        post = services.post_create(author=author, **kwargs)
        if publish:
            post = services.post_publish(actor=author, post=post)
        return post

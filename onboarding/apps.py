from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from api.authentication import fence_before_start
        from content import hooks as content_hooks
        from org import hooks

        from . import selectors, services

        # A person invited with a start date gets the tracks whose audience includes them.
        hooks.on_person_invited(services.journey_assign_matching)
        hooks.on_people_invited(
            services.journeys_assign_matching_many, instead_of=services.journey_assign_matching
        )
        # A moved start date re-dates open steps; a new end date may start offboarding.
        hooks.on_person_dates_changed(services.journeys_redate_for_user)
        hooks.on_person_dates_changed(services.journey_assign_matching)
        # Before day 1 a new hire reads only the posts their journey links to.
        content_hooks.restrict_readers(selectors.preboarding_reader_post_ids)
        # … and uses only the endpoints that declare themselves open before the start date.
        fence_before_start(selectors.user_is_preboarding)

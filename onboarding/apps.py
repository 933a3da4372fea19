from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"

    def ready(self) -> None:
        from org import hooks

        from . import services

        # A person invited with a start date gets the tracks whose audience includes them.
        hooks.on_person_invited(services.journey_assign_matching)
        # A moved start date re-dates open steps; a new end date may start offboarding.
        hooks.on_person_dates_changed(services.journeys_redate_for_user)
        hooks.on_person_dates_changed(services.journey_assign_matching)

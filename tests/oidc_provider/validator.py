"""Claims per test person, from the provider's configuration file (e-mail, UPN, groups…)."""

import json
import os
from functools import cache

from oauth2_provider.oauth2_validators import OAuth2Validator


@cache
def _claims() -> dict[str, dict]:
    with open(os.environ["OIDC_PROVIDER_CONFIG"]) as f:
        return {user["username"]: user.get("claims", {}) for user in json.load(f)["users"]}


class ClaimsValidator(OAuth2Validator):
    # Every configured claim in the ID token and userinfo, whatever the scope.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(_claims().get(request.user.get_username(), {}))

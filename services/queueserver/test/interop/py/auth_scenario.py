"""The real client logs in to a multi-user server (spec §10.2): password login at a provider,
work with the bearer token, whoami and scopes, an API key minted, shown, used and deleted, a
session refreshed and revoked, logout.

Usage: auth_scenario.py <url> <provider> <username> <password>
"""
import sys

from bluesky_queueserver_api import BPlan
from bluesky_queueserver_api.http import REManagerAPI
from scenario_client import emit

url, provider, username, password = sys.argv[1:5]
RM = REManagerAPI(http_server_uri=url)
out = {}
# The client takes the provider as its endpoint path under /api/auth/provider.
tokens = RM.login(username, password=password, provider=f"/{provider}/token")
out["login"] = [sorted(tokens), tokens["token_type"], RM.auth_method.value]
out["item_user"] = RM.item_add(BPlan("count", ["det1"]))["item"]["user"]
whoami = RM.whoami()
out["whoami"] = [[i["id"], i["provider"]] for i in whoami["identities"]] + [whoami["roles"], len(whoami["sessions"])]
out["scopes_include_queue_edit"] = "write:queue:edit" in RM.api_scopes()["scopes"]

key = RM.apikey_new(expires_in=600, note="interop")
out["apikey"] = [len(key["secret"]), key["note"], key["scopes"]]
out["apikey_info"] = RM.apikey_info(api_key=key["secret"])["first_eight"] == key["first_eight"]
with_key = REManagerAPI(http_server_uri=url)
with_key.set_authorization_key(api_key=key["secret"])
out["key_sees_queue"] = len(with_key.queue_get()["items"])
out["apikey_delete"] = RM.apikey_delete(first_eight=key["first_eight"])
try:
    with_key.status(reload=True)
    out["deleted_key"] = "accepted"
except with_key.HTTPClientError as error:
    out["deleted_key"] = str(error)

old_refresh = RM.auth_key[1]
RM.session_refresh()
out["refreshed"] = RM.auth_key[1] != old_refresh
session = RM.whoami()["sessions"][0]["uuid"]
out["revoke"] = RM.session_revoke(session_uid=session)
try:
    RM.session_refresh()
    out["after_revoke"] = "refreshed"
except RM.HTTPClientError as error:
    out["after_revoke"] = str(error)
out["logout"] = RM.logout()
out["after_logout"] = RM.auth_method.value
with_key.close()
RM.close()
emit(out)

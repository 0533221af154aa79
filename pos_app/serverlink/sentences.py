"""The store server's clerk- and manager-facing sentences, and the lane's own about the server (no Qt, no I/O).

Both ends import this module: the server raises its refusals with these Messages (``pos_app.i18n_keys``) and
the lane's application layer (``pos_app.counter.remote``) imports it, so that in the lane process every template
here is registered and ``ui.common.i18n.tr`` recognises the English sentence that came over the wire
(``{"error": {"code", "message", "values"}}``) and shows it in the UI language.

Contracts:
- A Message is a ``str`` whose value is the English sentence: the server's JSON carries exactly that English
  text, unchanged (a lane of an older or newer version still reads it), and its audit trail and logs too.
- Values go in with ``Message.fill`` (``%1``..``%9``), never by f-strings or ``+`` (the key would be lost and
  the lane could not recognise the sentence unless it is filled exactly as the template says).
- Protocol-level refusals that a correct lane never gets (malformed JSON, a bad query parameter, an unknown
  route) are not here: they stay plain English at their place, for the developer reading them.
- Context ``StoreServer`` for all; ``resources/i18n/pos_app_<lang>.ts`` translates every one (a test checks).
"""

from __future__ import annotations

from pos_app.i18n_keys import N_, Message

C = "StoreServer"

# ---- who may ask: the lane's credential ----------------------------------------------------------------------
NO_CREDENTIAL = N_("StoreServer", "This request carries no lane credential: only enrolled counters may use the "
                                  "store server (Set-up → Store server).")
BAD_CREDENTIAL = N_("StoreServer", "This counter's credential is not known to the store server: enroll it again "
                                   "(Set-up → Store server).")
LANE_REVOKED = N_("StoreServer", "Lane %1 was revoked on the store server: a manager enrolls this counter again "
                                 "(Set-up → Store server) if it should work.")
PLAIN_HTTP_OFF_LOOPBACK = N_("StoreServer", "This server speaks plain HTTP to this machine only: use https:// "
                                            "from other machines.")
INTERNAL = N_("StoreServer", "The store server failed on this request (its log says why): try again; call support "
                             "if it happens again.")

# ---- clerk sessions -----------------------------------------------------------------------------------------
NOT_SIGNED_IN = N_("StoreServer", "Nobody is signed in at this counter: sign in first.")
SIGN_IN_UNKNOWN = N_("StoreServer", "This sign-in is not known to the store server: sign in again.")
OTHER_LANE_SESSION = N_("StoreServer", "This sign-in belongs to another counter: sign in here.")
SIGNED_OUT = N_("StoreServer", "This clerk signed out (or another clerk signed in here): sign in.")
SESSION_LOCKED = N_("StoreServer", "The counter was locked: sign in again.")
SESSION_EXPIRED = N_("StoreServer", "The sign-in has expired: sign in again.")

# ---- manager-only actions (by the server's action name; MANAGER_ONLY for any other) ---------------------------
MANAGER_ONLY = N_("StoreServer", "Only a signed-in manager can do this (%1).")
MANAGER_ONLY_FOR = {
    "create_enrollment_code": N_("StoreServer", "Only a signed-in manager can create enrollment codes."),
    "list_lanes": N_("StoreServer", "Only a signed-in manager can list the lanes."),
    "revoke_lane": N_("StoreServer", "Only a signed-in manager can revoke a lane."),
    "sync_customers": N_("StoreServer", "Only a signed-in manager can start a customer sync."),
    "read_audit": N_("StoreServer", "Only a signed-in manager can read the audit trail."),
}


def manager_only(what: str) -> Message:
    """The refusal of ``what`` (the server's action name, e.g. ``revoke_lane``) to a caller who is no manager."""
    return MANAGER_ONLY_FOR.get(what) or MANAGER_ONLY.fill(what)


# ---- enrollment ---------------------------------------------------------------------------------------------
BAD_LANE = N_("StoreServer", "A lane name is 1-20 letters, digits or '_' (e.g. LANE2).")
BAD_CODE = N_("StoreServer", "An enrollment code has 16 letters and digits (XXXX-XXXX-XXXX-XXXX), as "
                             "pos-app-server enroll-code printed it.")
CODES_EXHAUSTED = N_("StoreServer", "Too many enrollment codes are open: try again later.")
WRONG_CODE = N_("StoreServer", "This enrollment code is not right: check it, or ask a manager for a new one "
                               "(pos-app-server enroll-code).")
CODE_UNKNOWN = N_("StoreServer", "This enrollment code is not known to the server: ask a manager for a new one "
                                 "(pos-app-server enroll-code).")
CODE_USED = N_("StoreServer", "This enrollment code was used already: ask a manager for a new one.")
CODE_BURNT = N_("StoreServer", "This enrollment code was typed wrong too often and no longer works: ask a manager "
                               "for a new one.")
CODE_EXPIRED = N_("StoreServer", "This enrollment code has expired: ask a manager for a new one.")
CODE_OTHER_LANE = N_("StoreServer", "This enrollment code is for lane %1, not %2.")
LANE_ENROLLED = N_("StoreServer", "Lane %1 is enrolled already. A manager revokes it first (pos-app-server "
                                  "revoke-lane) if this PC replaces it.")
NO_SUCH_LANE = N_("StoreServer", "There is no enrolled lane %1.")

# ---- manager approvals --------------------------------------------------------------------------------------
APPROVAL_REQUIRED = N_("StoreServer", "This action (%1) needs a manager's approval on this counter: ask a manager "
                                      "to approve it.")
APPROVAL_REQUIRED_FOR = {
    "void": N_("StoreServer", "A void needs a manager's approval on this counter: ask a manager to approve it."),
    "refund": N_("StoreServer", "A refund needs a manager's approval on this counter: ask a manager to approve "
                                "it."),
    "close_review": N_("StoreServer", "Closing a review needs a manager's approval on this counter: ask a manager "
                                      "to approve it."),
}


def approval_required(action: str) -> Message:
    """The refusal of ``action`` (a ``ManagerAction`` value) asked without a manager's approval."""
    return APPROVAL_REQUIRED_FOR.get(action) or APPROVAL_REQUIRED.fill(action)


APPROVAL_UNKNOWN = N_("StoreServer", "This manager approval was not given by the store server: ask a manager to "
                                     "approve again.")
APPROVAL_ELSEWHERE = N_("StoreServer", "This manager approval was given at another counter or to another clerk: "
                                       "ask a manager to approve here.")
APPROVAL_OTHER_ACTION = N_("StoreServer", "This manager approval is for %1 %2, not this %3: ask again.")
APPROVAL_USED = N_("StoreServer", "This manager approval was used already: ask a manager again.")
APPROVAL_EXPIRED = N_("StoreServer", "This manager approval has expired: ask a manager again.")

# ---- customers and accounts ---------------------------------------------------------------------------------
NO_SUCH_CUSTOMER = N_("StoreServer", "There is no customer %1 on the store server.")
NO_CUSTOMER_SELECTED = N_("StoreServer", "Select the customer at this counter first.")
LOCAL_ONLY_CUSTOMER = N_("StoreServer", "This customer is not in PaySimple yet: save them to PaySimple first (Edit "
                                        "customer, Save).")
NOT_SELECTED_CUSTOMER = N_("StoreServer", "That is not the customer selected at this counter: select them first.")
NOT_SELECTED_CHARGE = N_("StoreServer", "That is not the customer selected at this counter: select them first. "
                                        "Nothing was charged.")
SYNC_RUNNING = N_("StoreServer", "%1 Its customers arrive when it ends; no need to start another.")
SYNC_ELSEWHERE = N_("StoreServer", "The store's customer sync is running on another server instance.")
SNAPSHOT_BUSY = N_("StoreServer", "The store server is making other copies of the customer list right now: ask "
                                  "again in a moment.")
FOREIGN_ACCOUNT = N_("StoreServer", "The form returned an account that is not the selected customer's: nothing was "
                                    "charged. Enter the card or bank account again.")
ACCOUNT_NOT_VERIFIED = N_("StoreServer", "That account was not read as the selected customer's at this counter: "
                                         "list the customer's accounts (or enter the card again) first. Nothing "
                                         "was charged.")

# ---- charges and payments -----------------------------------------------------------------------------------
NEVER_ARRIVED = N_("StoreServer", "The store server never received this payment, and it never will now: it was "
                                  "not charged.")
NO_SUCH_CHARGE = N_("StoreServer", "This counter sent no charge %1.")
NO_SUCH_CHARGE_WRITTEN = N_("StoreServer", "This counter sent no charge %1 that the server wrote.")
NO_SUCH_PAYMENT = N_("StoreServer", "There is no payment %1 on the store server.")
KEY_REUSED = N_("StoreServer", "Idempotency-Key %1 was already used for a different charge (amount, customer or "
                               "account differ): nothing was charged for this request. The first request with "
                               "this key stands; a new charge needs a new key.")
NOT_READY = N_("StoreServer", "The server is checking lane %1's unfinished payments: ask again shortly.")

# ---- the lane's own sentences about its server ----------------------------------------------------------------
UNREACHABLE = N_("StoreServer", "The store server cannot be reached.")
UNREACHABLE_NOT_CHARGED = N_("StoreServer", "The store server cannot be reached, so nothing was charged.")
UNREACHABLE_OUTCOME_UNKNOWN = N_("StoreServer", "The store server cannot be reached right now. This payment's "
                                                "outcome is not known yet; it is never charged twice. Check again "
                                                "when the server is back (History).")
UNREACHABLE_NOW = N_("StoreServer", "The store server cannot be reached right now.")
CLERKS_ON_SERVER = N_("StoreServer", "Clerks are managed on the store server.")
IMPORTS_ON_SERVER = N_("StoreServer", "Customer imports run on the store server, not at a counter.")
SELECT_BEFORE_CHARGING = N_("StoreServer", "Select the customer at this counter before charging them.")
APPROVAL_NOT_HERE = N_("StoreServer", "This approval was not given by the store server at this counter: ask a "
                                      "manager to approve again.")
CLOSED_BEFORE_ANSWER = N_("StoreServer", "The counter closed before the store server answered; not known yet.")
STILL_WORKING = N_("StoreServer", "The store server is still working on this payment.")
STATUS_SENDING = N_("StoreServer", "Sending to the store server…")
STATUS_STILL_WORKING = N_("StoreServer", "The store server is still working on this payment…")
STATUS_NO_ANSWER = N_("StoreServer", "The store server did not answer; asking again…")

# ---- the lane's link (serverlink.client): why a request did not get the server's answer ------------------------
CERTIFICATE_CHANGED = N_("StoreServer", "The store server's certificate is not the one this counter enrolled with "
                                        "(another machine answers at its address, or the server was set up again). "
                                        "Nothing was sent. Ask a manager to check the server and enroll this "
                                        "counter again.")
NO_CONNECTION = N_("StoreServer", "The store server cannot be reached (no connection). Check that it is running "
                                  "and that this PC is on the store's network.")
NO_CONNECTION_SHORT = N_("StoreServer", "The store server cannot be reached (no connection).")
CONNECT_TIMEOUT = N_("StoreServer", "The store server did not answer in time (no connection).")
ANSWER_LOST = N_("StoreServer", "The store server's answer was lost (the connection failed or took too long).")
FILE_LOST = N_("StoreServer", "The store server's file was lost (the connection failed or took too long).")
REPLY_TOO_LARGE = N_("StoreServer", "The store server's reply was too large.")
FILE_TOO_LARGE = N_("StoreServer", "The store server's file is larger than %1 bytes.")
FILE_INCOMPLETE = N_("StoreServer", "The store server's file arrived incomplete.")
REPLY_UNREADABLE = N_("StoreServer", "The store server's answer could not be read.")
NOT_THE_SERVER = N_("StoreServer", "Something other than the store server answered (%1).")
URL_FORM = N_("StoreServer", "The store server's address looks like https://server:8443.")
URL_PLAIN_HTTP = N_("StoreServer", "The store server is reached with https:// (plain http only on this PC itself).")
ENROLL_NEEDS_HTTPS = N_("StoreServer", "Enrollment needs https:// to the store server (its certificate is what "
                                       "this counter pins).")
ENROLL_NO_PROOF = N_("StoreServer", "This server could not prove that it made this enrollment code (a different "
                                    "server, or a machine in between): nothing secret was sent. Check the address "
                                    "and the code, or ask a manager for a new code.")
ENROLL_UNREADABLE = N_("StoreServer", "The store server's enrollment answer could not be read: try again.")


def all_sentences() -> list[Message]:
    """Every template of this module (for tests and tooling)."""
    found = [v for v in globals().values() if isinstance(v, Message)]
    for table in (MANAGER_ONLY_FOR, APPROVAL_REQUIRED_FOR):
        found.extend(table.values())
    return found

"""Password guessing: the three limits of factcheck/login_guard.py, and who still gets in.

Addresses come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24). The guard's clock is replaced by one the tests move by hand.
"""

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from factcheck import login_guard
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"  # where the real user usually logs in
CAFE = "192.0.2.44"  # somewhere the real user has never logged in from


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(login_guard, "now", clock)
    return clock


def log_in(client, username: str, password: str, address: str, **headers):
    client.logout()
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def guess(client, username: str, address: str, **headers):
    return log_in(client, username, "wrong guess", address, **headers)


def text(response) -> str:
    return response.content.decode()


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("annotations:home")


# The client's address -------------------------------------------------------------------


def address_of(settings, remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return login_guard.client_address(RequestFactory().post(LOGIN, **extra))


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(settings):
    settings.FACTCHECK_BEHIND_PROXY = False
    assert address_of(settings, "10.0.0.2", "198.51.100.7") == "10.0.0.2"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.FACTCHECK_BEHIND_PROXY = True
    settings.FACTCHECK_PROXY_COUNT = 1
    assert address_of(settings, "10.0.0.2", "198.51.100.7") == "198.51.100.7"
    # What the client wrote itself stands to the left, and is not believed.
    assert address_of(settings, "10.0.0.2", "192.0.2.1, 198.51.100.7") == "198.51.100.7"
    assert address_of(settings, "10.0.0.2", "2001:db8::1") == "2001:db8::1"
    # A request that did not come through the proxy, or a broken header: the peer.
    assert address_of(settings, "10.0.0.2") == "10.0.0.2"
    assert address_of(settings, "10.0.0.2", "not-an-address") == "10.0.0.2"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.FACTCHECK_BEHIND_PROXY = True
    settings.FACTCHECK_PROXY_COUNT = 2
    assert address_of(settings, "10.0.0.3", "192.0.2.1, 198.51.100.7, 10.0.0.2") == ("198.51.100.7")
    assert address_of(settings, "10.0.0.3", "10.0.0.2") == "10.0.0.3"


def test_without_the_proxy_setting_a_forged_header_does_not_escape_the_lock(
    client, reviewer, settings
):
    settings.FACTCHECK_BEHIND_PROXY = False
    for n in range(5):
        guess(client, "reviewer", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = log_in(client, "reviewer", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 429
    assert "Too many failed log-ins" in text(response)


def test_behind_the_proxy_one_address_is_locked_and_the_real_user_elsewhere_gets_in(
    client, reviewer, settings
):
    """Everyone reaches the app from the proxy's address: the lock must follow the
    client's own address, or anyone could lock the user out."""
    settings.FACTCHECK_BEHIND_PROXY = True
    proxy = "10.0.0.2"
    for _ in range(5):
        guess(client, "reviewer", proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    locked = log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429
    forged = log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}")
    assert forged.status_code == 429
    assert logged_in(log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME))


# One address ---------------------------------------------------------------------------


def test_guessing_from_one_address_locks_that_address_only(client, reviewer):
    for _ in range(5):
        assert guess(client, "reviewer", ATTACKER).status_code in (200, 429)
    response = log_in(client, "reviewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = text(response)
    assert "After 5 failed log-ins for this username from your address" in page
    assert "until 15 minutes have passed without an attempt" in page
    assert "Wait 15 minutes and try again" in page
    assert "quarter" not in page and "a few minutes" not in page
    assert logged_in(log_in(client, "reviewer", PASSWORD, CAFE))


def test_the_lock_out_page_states_the_configured_numbers(client, reviewer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.FACTCHECK_LOGIN_LOCKOUT_MINUTES = 30
    for _ in range(3):
        guess(client, "reviewer", ATTACKER)
    response = log_in(client, "reviewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "After 3 failed log-ins" in text(response)
    assert "Wait 30 minutes" in text(response)


def test_one_address_guessing_many_usernames_is_locked_out_for_every_username(client, reviewer):
    """Four guesses at each of five names lock no pair, but twenty failures lock the address."""
    for name in ["ana", "ben", "chloe", "dev", "eve"]:
        for _ in range(4):
            assert guess(client, name, ATTACKER).status_code == 200
    response = log_in(client, "reviewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Too many failed log-ins from your address. Try again in 15 minutes" in text(response)
    assert int(response["Retry-After"]) > 800
    assert "_auth_user_id" not in client.session
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))


# Many addresses, one username ------------------------------------------------------------


def test_many_addresses_guessing_one_username_are_slowed_not_locked(client, reviewer, clock):
    addresses = [f"192.0.2.{n}" for n in range(1, 21)]
    statuses = [guess(client, "reviewer", addresses[n % 20]).status_code for n in range(10)]
    assert statuses == [200] * 10  # ten free failures, from ten addresses
    response = guess(client, "reviewer", addresses[10])
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "Too many failed log-ins for this username. Try again in 1 second" in text(response)
    clock.advance(1)
    assert guess(client, "reviewer", addresses[11]).status_code == 200
    response = guess(client, "reviewer", addresses[12])
    assert "Try again in 2 seconds" in text(response)
    assert login_guard.failures("reviewer") == 11  # refused attempts are not failures


def test_an_hour_of_guessing_from_twenty_addresses_gets_few_guesses(client, reviewer, clock):
    """The attacker tries again the moment each wait ends, rotating twenty addresses."""
    began, checked, refused, n = clock.now, 0, 0, 0
    while clock.now - began < 3600:
        response = guess(client, "reviewer", f"192.0.2.{n % 20 + 1}")
        n += 1
        if response.status_code == 429:
            refused += 1
            clock.advance(int(response["Retry-After"]))
        else:
            checked += 1
    # 10 free, then waits of 1, 2, 4 … 512 s (10 more in 17 minutes), then one per 15 minutes.
    assert checked == 22
    print(
        f"one username, 20 addresses, one hour: {checked} passwords checked "
        f"({refused} attempts refused unchecked); without the slow-down: 80 every 15 minutes"
    )


def test_the_real_user_from_their_usual_address_is_not_slowed(client, reviewer, clock):
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))  # a familiar address now
    for n in range(30):
        guess(client, "reviewer", f"192.0.2.{n % 20 + 1}")
    assert "Try again in" in text(guess(client, "reviewer", CAFE))
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))
    assert login_guard.failures("reviewer") == 0  # and the success clears the count


def test_from_an_unfamiliar_address_the_real_user_waits_at_most_the_maximum(
    client, reviewer, clock, settings
):
    for n in range(40):
        response = guess(client, "reviewer", f"192.0.2.{n % 20 + 1}")
        if response.status_code == 429:
            clock.advance(int(response["Retry-After"]))
    response = log_in(client, "reviewer", PASSWORD, CAFE)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= settings.FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS == 900
    clock.advance(wait)
    assert logged_in(log_in(client, "reviewer", PASSWORD, CAFE))


def test_parallel_attempts_get_one_opening_between_them(rf, reviewer, clock):
    """Attempts that arrive together when a wait ends: only the first may be checked."""
    for n in range(10):
        attempt = login_guard.begin(rf.post(LOGIN, REMOTE_ADDR=f"192.0.2.{n + 1}"), "reviewer")
        attempt.finish(failed=True)
    clock.advance(1)
    first = login_guard.begin(rf.post(LOGIN, REMOTE_ADDR="192.0.2.50"), "reviewer")
    with pytest.raises(login_guard.LoginRefused):
        login_guard.begin(rf.post(LOGIN, REMOTE_ADDR="192.0.2.51"), "reviewer")
    first.finish(failed=True)
    assert login_guard.failures("reviewer") == 11


def test_the_admin_log_in_is_guarded_the_same_way(client, editor, clock):
    for n in range(10):
        client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=CAFE
    )
    assert response.status_code == 429
    assert "Too many failed log-ins for this username. Try again in 1 second" in text(response)


# Lifting the limits ----------------------------------------------------------------------


def test_unlock_lifts_the_lock_outs_and_the_slow_down_of_a_username(client, reviewer, clock):
    make_user("reviewer3")
    for n in range(12):
        guess(client, "reviewer", ATTACKER if n < 5 else f"192.0.2.{n}")
    guess(client, "reviewer3", ATTACKER)
    assert log_in(client, "reviewer", PASSWORD, ATTACKER).status_code == 429
    assert log_in(client, "reviewer", PASSWORD, CAFE).status_code == 429

    call_command("unlock", "reviewer")

    assert logged_in(log_in(client, "reviewer", PASSWORD, ATTACKER))
    assert logged_in(log_in(client, "reviewer", PASSWORD, CAFE))


def test_unlock_says_what_it_lifted(client, reviewer, capsys):
    for _ in range(5):
        guess(client, "reviewer", ATTACKER)
    call_command("unlock", "reviewer", "nobody", "--address", "192.0.2.200")
    out = capsys.readouterr().out
    assert "reviewer: 1 lock-out record(s) removed, 5 failure(s) of its slow-down forgotten" in out
    assert "nobody: 0 lock-out record(s) removed, 0 failure(s) of its slow-down forgotten" in out
    assert "192.0.2.200: 0 lock-out record(s) removed" in out


def test_unlock_by_address_lifts_an_address_lock(client, reviewer):
    for name in ["ana", "ben", "chloe", "dev"]:
        for _ in range(5):
            guess(client, name, ATTACKER)
    assert log_in(client, "reviewer", PASSWORD, ATTACKER).status_code == 429
    call_command("unlock", "--address", ATTACKER)
    assert logged_in(log_in(client, "reviewer", PASSWORD, ATTACKER))


def test_unlock_needs_a_username_or_an_address():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Name a username, or an address with --address"):
        call_command("unlock")

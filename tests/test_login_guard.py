"""Password guessing: the three limits of factcheck/login_guard.py, and who still gets in.

Addresses come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24). The guard's clock is replaced by one the tests move by hand. Nothing
locks: every limit answers 429 with Retry-After, and the wait is over when it says.
"""

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
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


@pytest.fixture(autouse=True)
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


def the_user_waits_at_most_the_maximum_then_logs_in(client, address, clock, settings) -> None:
    response = log_in(client, "reviewer", PASSWORD, address)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= settings.FACTCHECK_LOGIN_SLOWDOWN_MAX_SECONDS == 900
    clock.advance(wait)
    assert logged_in(log_in(client, "reviewer", PASSWORD, address))


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


def test_without_the_proxy_setting_a_forged_header_does_not_escape_the_wait(
    client, reviewer, settings
):
    settings.FACTCHECK_BEHIND_PROXY = False
    for n in range(5):
        guess(client, "reviewer", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = log_in(client, "reviewer", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 429
    assert "Too many failed log-ins for this username from your address" in text(response)


def test_behind_the_proxy_one_address_is_slowed_and_the_real_user_elsewhere_gets_in(
    client, reviewer, settings
):
    """Everyone reaches the app from the proxy's address: the limit must follow the
    client's own address, or anyone could slow the user down everywhere."""
    settings.FACTCHECK_BEHIND_PROXY = True
    proxy = "10.0.0.2"
    for _ in range(5):
        guess(client, "reviewer", proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    slowed = log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert slowed.status_code == 429
    forged = log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}")
    assert forged.status_code == 429
    assert logged_in(log_in(client, "reviewer", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME))


# One username from one address ----------------------------------------------------------


def test_guessing_from_one_address_slows_that_pair_only(client, reviewer):
    for _ in range(5):
        assert guess(client, "reviewer", ATTACKER).status_code == 200
    response = log_in(client, "reviewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert (
        "Too many failed log-ins for this username from your address. Try again in 1 second"
        in text(response)
    )
    assert "_auth_user_id" not in client.session
    assert logged_in(log_in(client, "reviewer", PASSWORD, CAFE))


def test_the_pairs_wait_doubles_with_each_further_failure(client, reviewer, clock, settings):
    waits = []
    for _ in range(5):
        guess(client, "reviewer", ATTACKER)
    for _ in range(6):
        response = guess(client, "reviewer", ATTACKER)
        assert response.status_code == 429
        waits.append(int(response["Retry-After"]))
        clock.advance(waits[-1])
        assert guess(client, "reviewer", ATTACKER).status_code == 200  # checked, and wrong
    assert waits == [1, 2, 4, 8, 16, 32]


def test_a_victim_whose_username_is_guessed_from_their_own_address_gets_in_after_a_wait(
    client, reviewer, clock
):
    """The newsroom's NAT: the guesser and the user share an address the user knows."""
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))  # HOME is familiar now
    for _ in range(5):
        guess(client, "reviewer", HOME)
    response = log_in(client, "reviewer", PASSWORD, HOME)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    clock.advance(1)
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))


def test_however_long_the_guessing_the_victims_wait_is_bounded(client, reviewer, clock, settings):
    """Twenty-five guesses checked from the victim's own address, each as soon as it was
    allowed (about four hours of guessing): once they stop, the victim waits at most the
    maximum, then logs in."""
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))
    checked = 0
    for _ in range(100):  # a bound, so that a lock (a wait that does not end) fails here
        response = guess(client, "reviewer", HOME)
        if response.status_code == 429:
            clock.advance(int(response["Retry-After"]))
        else:
            checked += 1
            if checked == 25:
                break
    assert checked == 25
    the_user_waits_at_most_the_maximum_then_logs_in(client, HOME, clock, settings)


# A known device -----------------------------------------------------------------------


def own_browser(username: str = "reviewer") -> Client:
    """The user's browser, holding the device cookie its first log-in (from HOME) gave it."""
    browser = Client()
    assert logged_in(browser.post(LOGIN, {"username": username, "password": PASSWORD},
                                  REMOTE_ADDR=HOME))  # fmt: skip
    cookie = browser.cookies[login_guard.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == login_guard.KNOWN_ADDRESS_DAYS * 24 * 3600
    browser.post(reverse("logout"))
    return browser


def test_on_their_own_browser_the_user_gets_in_while_a_guesser_at_their_address_waits(
    client, reviewer, clock
):
    """The guesser shares the office's address and claims every opening for an hour."""
    browser = own_browser()
    began, checked, waiting = clock.now, 0, False
    while clock.now - began < 3600 or waiting:  # ends on a checked guess: a wait runs
        response = guess(client, "reviewer", HOME)
        waiting = response.status_code == 429
        if waiting:
            clock.advance(int(response["Retry-After"]))
        else:
            checked += 1
    assert checked == 18  # 5 free, then waits of 1, 2, 4 … 512 s, then 900 s
    assert guess(client, "reviewer", HOME).status_code == 429  # its next wait runs
    response = browser.post(LOGIN, {"username": "reviewer", "password": PASSWORD},
                            REMOTE_ADDR=HOME)  # fmt: skip
    assert logged_in(response)


def test_on_their_own_browser_the_user_is_not_slowed_by_guessing_from_many_addresses(
    client, reviewer, clock
):
    browser = own_browser()
    for n in range(30):
        guess(client, "reviewer", f"192.0.2.{n % 20 + 1}")
    assert guess(client, "reviewer", CAFE).status_code == 429
    response = browser.post(LOGIN, {"username": "reviewer", "password": PASSWORD},
                            REMOTE_ADDR=CAFE)  # fmt: skip
    assert logged_in(response)


def test_a_known_device_still_has_a_limit_of_its_own(reviewer, clock):
    browser = own_browser()
    for _ in range(5):
        browser.post(LOGIN, {"username": "reviewer", "password": "wrong"}, REMOTE_ADDR=HOME)
    response = browser.post(LOGIN, {"username": "reviewer", "password": PASSWORD},
                            REMOTE_ADDR=HOME)  # fmt: skip
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "Too many failed log-ins for this username on this browser" in text(response)


def test_a_device_cookie_counts_only_for_its_username_and_only_as_signed(
    client, reviewer, reviewer2, clock
):
    browser = own_browser("reviewer2")
    cookie = browser.cookies[login_guard.DEVICE_COOKIE].value
    for _ in range(5):
        guess(client, "reviewer", ATTACKER)
    for forged in [cookie, cookie[:-2] + "xx", "made-up"]:
        client.cookies[login_guard.DEVICE_COOKIE] = forged
        response = client.post(LOGIN, {"username": "reviewer", "password": PASSWORD},
                               REMOTE_ADDR=ATTACKER)  # fmt: skip
        assert response.status_code == 429, forged


# One address, many usernames -----------------------------------------------------------


def test_one_address_guessing_many_usernames_is_slowed_for_names_new_to_it(client, reviewer):
    """Four guesses at each of five names slow no pair, but twenty failures slow the
    address for every username it is not familiar with."""
    for name in ["ana", "ben", "chloe", "dev", "eve"]:
        for _ in range(4):
            assert guess(client, name, ATTACKER).status_code == 200
    response = log_in(client, "reviewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "Too many failed log-ins from your address. Try again in 1 second" in text(response)
    assert "_auth_user_id" not in client.session
    assert logged_in(log_in(client, "reviewer", PASSWORD, HOME))


def test_the_address_wait_grows_and_ends(client, reviewer, clock):
    for n in range(20):
        guess(client, f"name{n}", ATTACKER)
    waits = []
    for n in range(4):
        response = guess(client, f"other{n}", ATTACKER)
        waits.append(int(response["Retry-After"]))
        clock.advance(waits[-1])
        assert guess(client, f"other{n}", ATTACKER).status_code == 200
    assert waits == [1, 2, 4, 8]
    clock.advance(16)
    assert logged_in(log_in(client, "reviewer", PASSWORD, ATTACKER))


def test_a_spray_from_the_office_address_does_not_slow_the_colleagues_who_log_in_there(
    client, reviewer, reviewer2
):
    office = HOME
    assert logged_in(log_in(client, "reviewer", PASSWORD, office))
    assert logged_in(log_in(client, "reviewer2", PASSWORD, office))
    for n in range(60):
        guess(client, f"name{n % 30}", office)
    assert logged_in(log_in(client, "reviewer", PASSWORD, office))
    assert logged_in(log_in(client, "reviewer2", PASSWORD, office))


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
    the_user_waits_at_most_the_maximum_then_logs_in(client, CAFE, clock, settings)


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


def test_unlock_lifts_the_waits_of_a_username_from_everywhere(client, reviewer, clock):
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
    assert "reviewer: 5 failure(s) forgotten, 1 failure record(s) removed" in out
    assert "nobody: 0 failure(s) forgotten, 0 failure record(s) removed" in out
    assert "192.0.2.200: 0 failure(s) forgotten, 0 failure record(s) removed" in out


def test_unlock_by_address_lifts_an_address_wait(client, reviewer):
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


# The proxy setting, seen from requests ----------------------------------------------------


def proxy_warnings() -> list:
    from django.core.checks import run_checks

    return [m for m in run_checks(include_deployment_checks=True) if m.id == "factcheck.W002"]


@pytest.fixture
def fresh_process(monkeypatch):
    """The middleware notes once per process: each test is a new process."""
    from factcheck import forwarding

    monkeypatch.setattr(forwarding, "_noted_at", None)


def test_forwarded_requests_with_the_proxy_setting_off_make_check_deploy_warn(
    client, settings, caplog, fresh_process
):
    settings.FACTCHECK_BEHIND_PROXY = False
    assert proxy_warnings() == []
    with caplog.at_level("WARNING", logger="factcheck.forwarding"):
        for _ in range(3):
            client.get(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ATTACKER)
    logged = [r for r in caplog.records if r.name == "factcheck.forwarding"]
    assert len(logged) == 1  # once, not once a request
    assert "X-Forwarded-For from 10.0.0.2, but DJANGO_BEHIND_PROXY is off" in logged[0].message
    [warning] = proxy_warnings()
    assert "while DJANGO_BEHIND_PROXY is off" in warning.msg
    assert "from 10.0.0.2" in warning.msg
    assert "DJANGO_BEHIND_PROXY=true" in warning.hint


def test_check_deploy_is_quiet_behind_a_proxy_it_knows_or_without_forwarded_requests(
    client, settings, fresh_process
):
    settings.FACTCHECK_BEHIND_PROXY = True
    client.get(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ATTACKER)
    assert proxy_warnings() == []
    settings.FACTCHECK_BEHIND_PROXY = False
    assert proxy_warnings() == []  # nothing was noted while the setting was on
    client.get(LOGIN, REMOTE_ADDR="10.0.0.2")
    assert proxy_warnings() == []

"""The client's address, one rule for every counter: DRF's, which trusts
X-Forwarded-For only as far as DJANGO_NUM_PROXIES says (0: REMOTE_ADDR, so a
client cannot pick its own address). Read by the throttles and by the admin
login lockout (AXES_CLIENT_IP_CALLABLE)."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    return BaseThrottle().get_ident(request)

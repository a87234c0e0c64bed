"""How Schemathesis logs in to Anju: as the user that scripts/contract
names, again whenever an answer is 401 (after the run's own logout, say).
The login keeps its device cookie, so the run's wrong passwords, which count
against the address, never slow its own logins down."""

import os

import requests
import schemathesis


@schemathesis.auth()
class AnjuLogin:
    def __init__(self):
        self.browser = requests.Session()

    def get(self, case, ctx):
        res = self.browser.post(
            os.environ["ANJU_URL"] + "/api/v1/session",
            json={"username": os.environ["ANJU_USER"], "password": os.environ["ANJU_PASSWORD"]},
            timeout=30,
        )
        res.raise_for_status()
        return res.json()["token"]

    def set(self, case, token, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {token}"

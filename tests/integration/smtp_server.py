"""A real SMTP server on 127.0.0.1 for the mail tests (Debian's aiosmtpd).

usage: smtp_server.py --port N --dir DIR [--tls CERT KEY] [--auth USER:PASS]
                      [--reject CODE] [--refuse ADDR]... [--silent-quit] [--silent-data]
Each accepted message is written to DIR/N.eml (exactly the bytes received)
and its envelope recipients to DIR/N.rcpt.  --tls requires STARTTLS before
MAIL; --auth requires AUTH (PLAIN or LOGIN); --reject answers every RCPT
with that code (a permanent failure); --refuse answers RCPT for that one
address with 550; --silent-quit never answers QUIT (the mail is accepted,
then the server hangs); --silent-data keeps the message and never answers
it (the client cannot know it arrived).  Runs until killed.
"""
import argparse
import asyncio
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class SilentQuit(SMTP):
    async def smtp_QUIT(self, arg):
        await asyncio.sleep(3600)


class SilentQuitController(Controller):
    def factory(self):
        return SilentQuit(self.handler, **self.SMTP_kwargs)


class Saver:
    def __init__(self, directory, reject, refuse=(), silent_data=False):
        self.directory = directory
        self.reject = reject
        self.refuse = set(refuse)
        self.silent_data = silent_data
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return "%d 5.1.1 <%s>: recipient rejected by test server" % (self.reject, address)
        if address in self.refuse:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.rename(base + ".tmp", base + ".eml")
        if self.silent_data:
            await asyncio.sleep(3600)
        return "250 2.0.0 Ok: queued as test%d" % self.count


def authenticator(expected):
    user, password = expected.split(":", 1)

    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)

    return check


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--tls", nargs=2)
    p.add_argument("--auth")
    p.add_argument("--reject", type=int, default=0)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--silent-quit", action="store_true")
    p.add_argument("--silent-data", action="store_true")
    a = p.parse_args()
    kwargs = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        kwargs.update(tls_context=ctx, require_starttls=True)
    if a.auth:
        kwargs.update(authenticator=authenticator(a.auth), auth_required=True,
                      auth_require_tls=bool(a.tls))
    kind = SilentQuitController if a.silent_quit else Controller
    controller = kind(Saver(a.dir, a.reject, a.refuse, a.silent_data), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    open(os.path.join(a.dir, "ready"), "w").close()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


main()

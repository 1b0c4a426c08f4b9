#!/usr/bin/python3
"""The `perch nodes` baseline: slixmpp (Debian's python3-slixmpp) logs in,
asks the pubsub service for its nodes (disco#items, every node), prints one
a line, and quits.

    slix_nodes.py JID PASSWORD HOST PORT CAFILE SERVICE
"""
import logging
import ssl
import sys

import slixmpp


class Nodes(slixmpp.ClientXMPP):
    def __init__(self, jid, password, cafile, service):
        super().__init__(jid, password)
        self.service = service
        self.ssl_context = ssl.create_default_context(cafile=cafile)
        self.register_plugin("xep_0030")
        self.add_event_handler("session_start", self.start)
        self.count = 0

    async def start(self, _event):
        items = await self["xep_0030"].get_items(jid=self.service, timeout=120)
        out = []
        for _jid, node, _name in items["disco_items"]["items"]:
            out.append(node)
        sys.stdout.write("\n".join(out) + "\n")
        self.count = len(out)
        self.disconnect()


def main():
    logging.disable(logging.CRITICAL)
    jid, password, host, port, cafile, service = sys.argv[1:7]
    xmpp = Nodes(jid, password, cafile, service)
    xmpp.connect((host, int(port)))
    xmpp.process(forever=False)
    sys.exit(0 if xmpp.count else 1)


if __name__ == "__main__":
    main()

"""A TCP relay on 127.0.0.1 that counts the bytes each way, so a test can
tell what a keystroke costs over SSH.  usage: relay.py LISTEN_PORT TARGET_PORT COUNTS_FILE
COUNTS_FILE always holds "client_to_server server_to_client"."""
import socket
import sys
import threading

listen, target, counts_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
counts = [0, 0]
lock = threading.Lock()


def save():
    with open(counts_file + ".tmp", "w") as f:
        f.write("%d %d\n" % (counts[0], counts[1]))
    import os
    os.replace(counts_file + ".tmp", counts_file)


def pump(src, dst, index):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            with lock:
                counts[index] += len(data)
                save()
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen))
server.listen(4)
save()
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=pump, args=(client, upstream, 0), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, 1), daemon=True).start()

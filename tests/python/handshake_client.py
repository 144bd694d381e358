# A client of the TCP server lab, written from the lab's fragments (recv(4096),
# pickle.loads, pickle.dumps): it reads its client id, then sends every common
# type in every pickle protocol from 0 to 5, and checks each acknowledgement.
# Last, it sends a hostile pickle, which the server must refuse and survive.
import pickle
import socket
import sys

host = "127.0.0.1"
port = int(sys.argv[1])
MAX_ALLOC_MEM = 4096

clientsocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
clientsocket.connect((host, port))

# the handshake: the server's first message is our client id
data = pickle.loads(clientsocket.recv(MAX_ALLOC_MEM))
client_id = data['clientid']
print("The server gave me client id", client_id, flush=True)

VALUES = [
    'Hello, server', '', 'x' * 3000, 'caf\u00e9 \u65e5\u672c \U0001f600', "it's",
    42, -7, 0, 2 ** 100, -(2 ** 70),
    2.5, -0.0, 1e-05, 1e+16, 0.1,
    [1, 2, 3], [], (1, 'two', 3.0), (), ('single',),
    {'name': 'Ada', 'scores': [90, 85]}, {}, {1: 'one', (2, 3): None},
    None, True, False,
    b'bytes\x00\xff', {1, 2}, frozenset({3}),
    [[1, 2], {'nested': (None, [True])}],
]

for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
    for value in VALUES:
        clientsocket.send(pickle.dumps(value, protocol=protocol))
        reply = pickle.loads(clientsocket.recv(MAX_ALLOC_MEM))
        expected = {'clientid': client_id, 'received': value}
        assert reply == expected, (protocol, value, reply)
        assert type(reply['received']) is type(value), (protocol, value, reply)
        print("Sent:", repr(value), flush=True)

# what pickle.loads must never see: it would run os.system('echo pwned')
clientsocket.send(b"cos\nsystem\n(S'echo pwned'\ntR.")
reply = pickle.loads(clientsocket.recv(MAX_ALLOC_MEM))
assert set(reply) == {'clientid', 'error'}, reply
print("Server:", reply, flush=True)

# and the connection goes on
clientsocket.send(pickle.dumps('still here'))
reply = pickle.loads(clientsocket.recv(MAX_ALLOC_MEM))
assert reply == {'clientid': client_id, 'received': 'still here'}, reply
clientsocket.close()

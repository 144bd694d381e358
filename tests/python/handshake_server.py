# The server of the TCP server lab, from the lab's fragments: a backlog of 10
# (MAX_NUM_CONN), the handshake {'clientid': client_id}, then recv(4096) and
# pickle.loads of each message, acknowledged with the value. It serves one client.
#
# pickle.loads on bytes from the network lets the client run any command on this
# machine: fine for our own client in a test, never for strangers.
import pickle
import socket
import sys

serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
host = "127.0.0.1"
port = int(sys.argv[1])
MAX_NUM_CONN = 10
serversocket.bind((host, port))
serversocket.listen(MAX_NUM_CONN)
print("Listening on %s:%d" % serversocket.getsockname(), flush=True)

clienthandler, addr = serversocket.accept()
server_ip = addr[0]
client_id = addr[1]
print("Client", client_id, "connected from", server_ip, flush=True)
clienthandler.send(pickle.dumps({'clientid': client_id}))

MAX_ALLOC_MEM = 4096
while True:
    data_from_client = clienthandler.recv(MAX_ALLOC_MEM)
    if not data_from_client:
        print("Client", client_id, "disconnected", flush=True)
        break
    data = pickle.loads(data_from_client)
    print("Client", client_id, "sent:", repr(data), flush=True)
    clienthandler.send(pickle.dumps({'clientid': client_id, 'received': data}))
serversocket.close()

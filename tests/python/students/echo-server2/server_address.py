# A student's echo server 2 with a real mistake: it counts, but prints the
# server's own address (getsockname()) instead of the client's. Verdict: fails
# counts_connections (the client's port is not there).
import socket
from termcolor import colored

PORT = 8080
IP = "127.0.0.1"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
n = 0
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        n += 1
        print(f"CONNECTION {n}. Client IP,PORT: {cs.getsockname()}")
        msg = cs.recv(2048).decode()
        print("Message received: " + colored(msg, "green"))
        cs.send(("ECHO: " + msg + "\n").encode())
        cs.close()

# A student's echo server 3 with a real mistake: it prints the list after the
# fifth client but never finishes (it keeps serving). Verdict: fails
# lists_clients_and_finishes.
import socket
from termcolor import colored

PORT = 8080
IP = "127.0.0.1"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
clients = []
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        clients.append(client_ip_port)
        print(f"CONNECTION {len(clients)}. Client IP,PORT: {client_ip_port}")
        msg = cs.recv(2048).decode()
        print("Message received: " + colored(msg, "green"))
        cs.send(("ECHO: " + msg + "\n").encode())
        cs.close()
        if len(clients) == 5:
            print("The following clients have connected to the server:")
            for c in clients:
                print(c)

# A student's echo server 2 with a real mistake: it never closes the client's
# socket (Python closes it only when `cs` is reused for the next client).
# Verdict: fails the one stage about closing, quickly; the rest of the lesson
# passes.
import socket
from termcolor import colored

PORT = 8080
IP = "127.0.0.1"
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((IP, PORT))
ls.listen()
print("The server is configured!")
number_con = 0
while True:
    print("Waiting for Clients to connect")
    try:
        (cs, client_ip_port) = ls.accept()
    except KeyboardInterrupt:
        print("Server stopped by the user")
        ls.close()
        exit()
    else:
        number_con += 1
        print(f"CONNECTION {number_con}. Client IP,PORT: {client_ip_port}")
        msg = cs.recv(2048).decode()
        print("Message received: " + colored(msg, "green"))
        cs.send(("ECHO: " + msg + "\n").encode())

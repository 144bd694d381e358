# A student's echo server 2 that went beyond the lesson: a client that stays
# silent is given up after 2 s, bytes that are not UTF-8 are replaced, and a
# client that resets is skipped. Verdict: the lesson passes, and so does every
# robustness stage.
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
    number_con += 1
    print(f"CONNECTION {number_con}. Client IP,PORT: {client_ip_port}")
    cs.settimeout(2)
    try:
        msg = cs.recv(2048).decode(errors="replace")
        print("Message received: " + colored(msg, "green"))
        cs.sendall(("ECHO: " + msg + "\n").encode())
        # Stop sending, read what is left, then close: the reply is not lost.
        cs.shutdown(socket.SHUT_WR)
        while cs.recv(4096):
            pass
    except OSError as e:  # a timeout, a reset, a client already gone
        print("client skipped:", e)
    cs.close()

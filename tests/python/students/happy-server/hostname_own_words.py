# A student's happy server in their own words: socket.gethostname() for the IP,
# a port of their own, listen(1), setsockopt after bind(), a reply with no
# newline, and console lines worded their way. Verdict: the lesson passes (the
# reply's text, the message printed, the loop, Ctrl-C); the lesson's exact
# words and the newline are conventions.
import socket

IP = socket.gethostname()
PORT = 9090

ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind((IP, PORT))
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.listen(1)
print("server ready")
while True:
    print("Waiting for a client connection...")
    try:
        cs, addr = ls.accept()
    except KeyboardInterrupt:
        print("bye!")
        ls.close()
        exit()
    else:
        print("got a client", addr)
        msg = cs.recv(2048).decode()
        print("The client says:", msg)
        cs.send("HELLO. I am the Happy Server :-)".encode())
        cs.close()

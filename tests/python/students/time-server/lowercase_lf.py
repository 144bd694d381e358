# A student's time server from the blog's page: gethostname() for the host, its
# own console words in lower case, and the time ended by "\n" instead of the
# page's "\r\n". Verdict: the lesson passes; the CRLF is a convention.
import socket
import time

serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
host = socket.gethostname()
port = 9999
serversocket.bind((host, port))
serversocket.listen(5)
while True:
    clientsocket, addr = serversocket.accept()
    print("got a connection from", addr)
    currentTime = time.ctime(time.time()) + "\n"
    clientsocket.send(currentTime.encode("ascii"))
    clientsocket.close()

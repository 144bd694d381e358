# A student's time server with a real mistake: it sends the seconds since 1970
# (str(time.time())), not the time as time.ctime() writes it. Verdict: fails
# sends_the_time.
import socket
import time

serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serversocket.bind(("192.168.0.12", 9999))
serversocket.listen(5)
while True:
    clientsocket, addr = serversocket.accept()
    print("Got a connection from %s" % str(addr))
    clientsocket.send((str(time.time()) + "\r\n").encode("ascii"))
    clientsocket.close()

"""The classroom: rooms where a teacher runs one game for a class (issue 5).

- `store`: the SQLite file holding rooms, seats, every move and every message.
- `game`: one room's live game, rebuilt from its stored moves.
- `rooms`: `RoomService`, what teachers and students may do (the pages and the server call it).
- `scenarios`: the teacher's scenario library (check, save, download, upload).
- `debrief`: every room of a scenario side by side with the agents-only baseline; CSV export.
- `server`: the service over HTTP/JSON (``python -m negotiation.classroom.server``).
- `asgi`: the server's route table (the ASGI app uvicorn runs); `bodies`: its requests' bodies,
  read under a size cap.
- `client`: a client for that server and a way to run it as a child process (tests, benchmarks).
"""

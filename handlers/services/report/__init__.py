"""The periodic report draft (sơ kết 6 tháng, tổng kết năm): its period, figures, document
and how it is made for chat, the desk and the command line."""

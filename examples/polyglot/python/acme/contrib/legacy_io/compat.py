ENCODING = "latin-1"

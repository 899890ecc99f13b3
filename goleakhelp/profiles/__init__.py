"""Profiles: read Go heap profiles (text and protobuf) and match their allocation sites to the KB."""

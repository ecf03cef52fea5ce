"""Number resources: IoT MSISDN segments, ICCID/IMSI formats and IP pools.

Pure allocation math plus the tables that hold it. Imports no other project package.
"""

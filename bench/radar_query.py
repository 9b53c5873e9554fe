#!/usr/bin/env python3
"""The radar's page query (health/repo.rs::radar) on SQLite over a synthetic
customer_health of 1,000,000 customers (40 % below 100, ~25 % below the
threshold of 70), with the migration's own schema and indexes: 200 pages
per filter, half of them deep (a random keyset cursor). Only the query,
not the HTTP endpoint. Usage: python3 bench/radar_query.py"""
import sqlite3, random, time, os, pathlib
db='/tmp/tend_radar_query.db'
if os.path.exists(db): os.remove(db)
c=sqlite3.connect(db)
schema=open(pathlib.Path(__file__).resolve().parent.parent / 'crates/tend/migrations/sqlite/0032_health.sql').read()
c.executescript(schema)
random.seed(1)
rows=[]
N=1_000_000
for i in range(1,N+1):
    # most customers healthy; ~8% below 70
    s = 100 if random.random()<0.6 else random.choice([85,80,75,70,65,55,45,30,20])
    rows.append((i,s,'[{"kind":"negative_words","weight":15,"count":1,"detail":"x"}]','{}',random.randint(1,20),random.choice(['en','ja','ko','lv','ca',None]),random.choice([None]*8+list(range(1,200))),None,0))
c.executemany("INSERT INTO customer_health VALUES (?,?,?,?,?,?,?,?,?)",rows)
c.commit()
c.execute("ANALYZE")
def q(extra, args, after=None):
    sql="SELECT customer_id, score, signals, inbox_id, language, at_risk_since FROM customer_health WHERE score < ?"+extra
    a=[70]+args
    if after:
        sql+=" AND (score, customer_id) > (?, ?)"; a+= [after[0],after[1]]
    sql+=" ORDER BY score, customer_id LIMIT 51"
    return sql,a
cases={'all':("",[]),'inbox':(" AND inbox_id = ?",[7]),'language':(" AND language = ?",['lv']),'organization':(" AND organization_id = ?",[42])}
for name,(extra,args) in cases.items():
    ts=[]
    for k in range(200):
        after=None
        if k%2==1:
            after=(random.choice([20,30,45,55,65]), random.randint(1,N))
        sql,a=q(extra,args,after)
        t=time.perf_counter(); r=c.execute(sql,a).fetchall(); ts.append((time.perf_counter()-t)*1000)
    ts.sort()
    plan=c.execute("EXPLAIN QUERY PLAN "+q(extra,args)[0], q(extra,args)[1]).fetchall()
    print(f"{name}: p50 {ts[100]:.2f} ms, p95 {ts[190]:.2f} ms, rows {len(r)}; plan {[p[3] for p in plan]}")
os.remove(db)

#!/usr/bin/env bash
# Reads a Tracelake table with Spark 4.0.1 and Iceberg's Spark runtime 1.10.0 in local mode,
# through the same JDBC catalog Tracelake writes, or through Tracelake's Iceberg REST catalog
# (type=rest): the head, a snapshot id, a tag, a branch, a timestamp and the metadata tables. No
# Spark distribution is needed: the jars come from Maven Central into a cache directory outside
# the repository, and a small Java program runs them.
#
#   deploy/interop/spark-read.sh <warehouse-dir | s3://bucket/prefix> <namespace.table> [catalog-jdbc-url]
#   deploy/interop/spark-read.sh - <namespace.table> http://127.0.0.1:8181     # Iceberg REST catalog
#
# The catalog URL defaults to the embedded one, jdbc:sqlite:<warehouse>/catalog.db; an s3://
# warehouse needs it. An http(s):// URL reads through `tracelake serve`'s Iceberg REST catalog,
# authenticating with TRACELAKE_TOKEN (the server token, <warehouse>/.tracelake/token), as a bearer
# token or, with SPARK_READ_AUTH=oauth2, through the OAuth2 client-credentials exchange; the
# warehouse argument is then unused ("-"). The settings Tracelake itself reads from the environment apply here too:
# TRACELAKE_CATALOG_USER / TRACELAKE_CATALOG_PASSWORD, TRACELAKE_S3_ENDPOINT,
# TRACELAKE_S3_PATH_STYLE_ACCESS, TRACELAKE_S3_REGION, and AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY for S3. SPARK_READ_CACHE sets the cache directory (default
# ~/.cache/tracelake-spark-read). Needs Java 17+ and Maven.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
case ${3:-} in
  http://* | https://*) rest=1 ;;
  *) rest=0 ;;
esac
case $1 in
  -)
    if [ "$rest" != 1 ]; then
      echo "error: '-' as warehouse needs an http(s):// REST catalog URL as third argument" >&2
      exit 2
    fi
    warehouse=-
    ;;
  s3://* | s3a://*)
    warehouse=$1
    if [ $# -lt 3 ]; then
      echo "error: an $1 warehouse needs the catalog JDBC URL as third argument" >&2
      exit 2
    fi
    ;;
  *) warehouse=file:$(cd "$1" && pwd) ;;
esac
table=$2
catalog_uri=${3:-jdbc:sqlite:${warehouse#file:}/catalog.db}

spark_version=4.0.1
iceberg_runtime_version=1.10.0
cache=${SPARK_READ_CACHE:-$HOME/.cache/tracelake-spark-read}
jars=$cache/jars-$spark_version-$iceberg_runtime_version-aws
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ ! -f "$jars/.complete" ]; then
  echo "fetching Spark $spark_version and iceberg-spark-runtime $iceberg_runtime_version into $jars (once)..." >&2
  mkdir -p "$cache"
  cat >"$cache/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>tracelake-spark-read</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId><version>$spark_version</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-spark-runtime-4.0_2.13</artifactId><version>$iceberg_runtime_version</version></dependency>
    <dependency><groupId>org.apache.iceberg</groupId><artifactId>iceberg-aws-bundle</artifactId><version>$iceberg_runtime_version</version></dependency>
    <dependency><groupId>org.xerial</groupId><artifactId>sqlite-jdbc</artifactId><version>3.54.1.0</version></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>42.7.14</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$cache/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$jars" >&2
  touch "$jars/.complete"
fi

classes=$cache/classes
mkdir -p "$classes"
if [ ! -f "$classes/SparkRead.class" ] || [ "$here/SparkRead.java" -nt "$classes/SparkRead.class" ]; then
  javac -d "$classes" -cp "$jars/*" "$here/SparkRead.java"
fi

# Spark logs at INFO by default; WARN keeps the query output readable.
cat >"$cache/log4j2.properties" <<'LOG'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
LOG

# The module opens Spark's own launcher adds on Java 17 (JavaModuleOptions), plus java.nio for
# Iceberg's vectorized Parquet reader.
# local mode: the driver stays on loopback
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
exec java -Xmx2g \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true \
  -Dlog4j2.configurationFile="$cache/log4j2.properties" \
  -cp "$classes:$jars/*" SparkRead "$warehouse" "$table" "$catalog_uri"

// pgJDBC against Oxbow's pgwire: DatabaseMetaData (getTables, getSchemas, getColumns,
// getPrimaryKeys, getIndexInfo) over the virtual pg_catalog, a query with a parameter, and a
// scan of a view in batches of fetchSize rows (portal row limits). Prints one line per fact;
// pgwire_catalog_test.sh compares the output with what PostgreSQL gives for the same objects.
//
// Usage: java -cp postgresql.jar:. CatalogMetadata JDBC_URL
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

public class CatalogMetadata {
  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection(args[0], "jdbc", "")) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println("product " + md.getDatabaseProductName());
      String[] types = {"TABLE", "VIEW", "MATERIALIZED VIEW"};
      try (ResultSet rs = md.getTables(null, "public", "%", types)) {
        while (rs.next()) {
          System.out.println("table " + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME")
              + " " + rs.getString("TABLE_TYPE"));
        }
      }
      try (ResultSet rs = md.getSchemas()) {
        while (rs.next()) System.out.println("schema " + rs.getString("TABLE_SCHEM"));
      }
      try (ResultSet rs = md.getColumns(null, "public", "users", "%")) {
        while (rs.next()) {
          System.out.println("column " + rs.getString("COLUMN_NAME") + " " + rs.getInt("DATA_TYPE")
              + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("COLUMN_SIZE") + " "
              + rs.getString("IS_NULLABLE") + " " + rs.getInt("ORDINAL_POSITION"));
        }
      }
      for (String table : new String[] {"users", "orders", "clicks"}) {
        try (ResultSet rs = md.getPrimaryKeys(null, "public", table)) {
          while (rs.next()) {
            System.out.println("pk " + rs.getString("TABLE_NAME") + " " + rs.getString("COLUMN_NAME")
                + " " + rs.getInt("KEY_SEQ") + " " + rs.getString("PK_NAME"));
          }
        }
      }
      try (ResultSet rs = md.getIndexInfo(null, "public", "orders", false, false)) {
        while (rs.next()) {
          System.out.println("index " + rs.getString("INDEX_NAME") + " unique "
              + !rs.getBoolean("NON_UNIQUE") + " " + rs.getInt("ORDINAL_POSITION") + " "
              + rs.getString("COLUMN_NAME") + " " + rs.getString("ASC_OR_DESC"));
        }
      }
      // A cursor over a view: pgJDBC fetches fetchSize rows per Execute (PortalSuspended in
      // between) when autocommit is off.
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET real_time_recency = on");
        st.setFetchSize(100);
        long rows = 0, sum = 0;
        try (ResultSet rs = st.executeQuery("SELECT n, label FROM numbers_view WHERE n % 2 = 0")) {
          while (rs.next()) {
            rows++;
            sum += rs.getLong(1);
          }
        }
        System.out.println("fetched " + rows + " rows, sum " + sum);
      }
      c.commit();
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM users WHERE id >= ? ORDER BY id")) {
        ps.setInt(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) System.out.println("row " + rs.getInt(1) + " " + rs.getString(2));
        }
      }
    }
  }
}

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank; MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const char *mode = argv[1];
  int fr = atoi(argv[2]);
  if (rank == fr) {
    if (!strcmp(mode, "abort")) abort();
    if (!strcmp(mode, "mpiabort")) MPI_Abort(MPI_COMM_WORLD, 3);
    if (!strcmp(mode, "segv")) raise(SIGSEGV);
    if (!strcmp(mode, "exit")) exit(7);
    if (!strcmp(mode, "hang")) for(;;) sleep(1);
  }
  int x = rank, s = 0;
  MPI_Reduce(&x, &s, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("sum %d\n", s);
  MPI_Finalize();
  return 0;
}
